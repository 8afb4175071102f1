/** What the running native stack is made of, from the one place that says it (ecosystem.config.cjs). */
import { createRequire } from 'node:module';

const eco = createRequire(import.meta.url)('../ecosystem.config.cjs') as { REPLICAS: number; SERVICES: Record<string, number> };

/** Replicas per service: `REPLICAS=N npm run up` records N (default 2). */
export const REPLICAS = eco.REPLICAS;

/** The services, by name. */
export const SERVICES = Object.keys(eco.SERVICES);

/** The ports of a service's replicas (docs/conventions.md: base, base + 1, ...). */
export function replicaPorts(service: string): number[] {
  const base = eco.SERVICES[service];
  if (base === undefined) throw new Error(`no service ${service} in ecosystem.config.cjs`);
  return Array.from({ length: REPLICAS }, (_, i) => base + i);
}

/** Sum of POST /api/orders requests one order replica has counted (its /metrics). */
export async function ordersServedBy(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('http_request_duration_seconds_count') && l.includes('method="POST"') && l.includes('route="/api/orders"'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}
