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
