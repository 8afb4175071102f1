/**
 * The two synchronous calls the order service makes to other services, measured alone:
 * reading the buyer's cart and reading a product's available units (the sale gate's seed),
 * each the old way and the new way, from one process at a fixed concurrency:
 *
 *   rest-edge    HTTP/1.1 through the public edge (:8000), as the order service did before
 *                (CART_URL and INVENTORY_URL defaulted to it), with fetch (undici)
 *   rest-direct  the same REST routes on the replicas, round robin, no edge
 *   grpc         @shop/rpc: one HTTP/2 channel per service, round robin over the replicas'
 *                gRPC ports (what the order service does now)
 *
 * Usage: tsx load-tests/internal-calls.ts [N per case, default 3000] [concurrency, default 16]
 * (EDGE_URL to override :8000). Prints a markdown table; load-tests/results/grpc.md has runs.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { rpcClient } from '@shop/rpc';

const N = Number(process.argv[2] ?? 3000);
const C = Number(process.argv[3] ?? 16);
const EDGE = process.env.EDGE_URL ?? 'http://127.0.0.1:8000';
const eco = createRequire(import.meta.url)('../ecosystem.config.cjs') as { REPLICAS: number; SERVICES: Record<string, number>; GRPC_SERVICES: Record<string, number> };
const replicas = (base: number) => Array.from({ length: eco.REPLICAS }, (_, i) => base + i);

async function json(method: string, url: string, body?: unknown, token?: string) {
  const res = await fetch(url, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A fresh customer with one product in the cart, as a buyer right before placing an order. */
async function setUp() {
  const email = `bench-${randomUUID().slice(0, 8)}@bench.test`;
  const password = 'Bench-pass-123!';
  await json('POST', `${EDGE}/api/auth/register`, { email, password, name: 'Bench' });
  const { accessToken } = await json('POST', `${EDGE}/api/auth/login`, { email, password });
  const { items } = await json('GET', `${EDGE}/api/products?limit=1`);
  const productId = items[0].id as string;
  await json('POST', `${EDGE}/api/cart/items`, { productId, quantity: 1 }, accessToken);
  return { authorization: `Bearer ${accessToken}`, productId };
}

/** Runs `call` N times, C at a time; latencies in ms. */
async function run(call: () => Promise<unknown>) {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next++ < N) {
        const t = performance.now();
        try {
          await call();
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { rps: Math.round(latencies.length / seconds), p50: q(0.5), p95: q(0.95), p99: q(0.99), errors };
}

const { authorization, productId } = await setUp();
const cartRest = (bases: string[]) => {
  let i = 0;
  return async () => {
    const res = await fetch(`${bases[i++ % bases.length]}/api/cart`, { headers: { authorization, accept: 'application/json' }, signal: AbortSignal.timeout(2_000) });
    if (!res.ok) throw new Error(String(res.status));
    return res.json();
  };
};
const stockRest = (bases: string[]) => {
  let i = 0;
  return async () => {
    const res = await fetch(`${bases[i++ % bases.length]}/api/inventory/${productId}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(2_000) });
    if (!res.ok) throw new Error(String(res.status));
    return res.json();
  };
};
const local = (base: number) => replicas(base).map((p) => `http://127.0.0.1:${p}`);
const target = (svc: string) => replicas(eco.GRPC_SERVICES[svc]).map((p) => `127.0.0.1:${p}`).join(',');
const carts = rpcClient('cart', { target: target('cart'), deadlineMs: 2_000, what: 'cart' });
const stock = rpcClient('inventory', { target: target('inventory'), deadlineMs: 2_000, what: 'inventory' });

const cases: Array<[string, string, () => Promise<unknown>]> = [
  ['read the cart', 'rest-edge', cartRest([EDGE])],
  ['read the cart', 'rest-direct', cartRest(local(eco.SERVICES.cart))],
  ['read the cart', 'grpc', () => carts.call('GetCart', {}, { authorization })],
  ['available units', 'rest-edge', stockRest([EDGE])],
  ['available units', 'rest-direct', stockRest(local(eco.SERVICES.inventory))],
  ['available units', 'grpc', () => stock.call('GetAvailability', { productId })],
];

console.log(`N=${N} per case, concurrency ${C}, ${eco.REPLICAS} replicas, ${new Date().toISOString()}\n`);
console.log('| call | path | req/s | p50 ms | p95 ms | p99 ms | errors |');
console.log('|---|---|---|---|---|---|---|');
for (const [call, path, fn] of cases) {
  for (let i = 0; i < 200; i++) await fn().catch(() => undefined); // warm the connections and the JIT
  const r = await run(fn);
  console.log(`| ${call} | ${path} | ${r.rps} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} |`);
}
carts.close();
stock.close();
