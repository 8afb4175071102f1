/**
 * The frame every fault scenario shares: a fresh product and customers, the dead-letter and
 * task baseline, then (after the scenario's load and fault) the books, recorded for
 * load-tests/results/faults.md.
 */
import { adminToken, newCustomers, newProduct, type Customer } from '../e2e/api.js';
import { baseline, checkBooks, type Baseline, type Books } from './books.js';
import { startOrderLoad, type Attempt, type Window } from './load.js';
import { heal, sleep } from './platform.js';
import { record } from './report.js';

export interface Scenario {
  id: string;
  started: number;
  admin: string;
  product: { id: string; stock: number };
  customers: Customer[];
  before: Baseline;
}

export async function prepare(id: string, opts: { stock: number; customers: number; maxPerCustomer?: number }): Promise<Scenario> {
  const started = Date.now();
  const admin = await adminToken();
  const product = await newProduct(admin, { stock: opts.stock, maxPerCustomer: opts.maxPerCustomer ?? 200 });
  const customers = await newCustomers(opts.customers, id.toLowerCase());
  return { id, started, admin, product: { id: product.id, stock: opts.stock }, customers, before: await baseline() };
}

/** Orders at a steady rate around a fault: `margin` ms of load before it and after it. */
export interface LoadPlan {
  ratePerSec: number;
  maxRequests: number;
  maxMs: number;
  margin: number;
}

/**
 * The scenario's orders under load while `inject` runs; the fault's window is the time
 * `inject` took. Resolves with every attempt once the load has stopped.
 */
export async function underLoad(s: Scenario, plan: LoadPlan, inject: () => Promise<void>): Promise<{ attempts: Attempt[]; fault: Window }> {
  const load = startOrderLoad({ customers: s.customers, productId: s.product.id, ratePerSec: plan.ratePerSec, maxRequests: plan.maxRequests, maxMs: plan.maxMs });
  await sleep(plan.margin);
  const fault = { from: Date.now(), to: 0 };
  await inject();
  fault.to = Date.now();
  await sleep(plan.margin);
  return { attempts: await load.stop(), fault };
}

/** R1's and R5's fault: a server killed with SIGKILL under 8 orders/s, back 8 s later by the stack's own steps. */
export const KILL_PLAN: LoadPlan = { ratePerSec: 8, maxRequests: 500, maxMs: 90_000, margin: 4_000 };
export const killedFor8s = (kill: () => Promise<void>) => async () => {
  await kill();
  await sleep(8_000);
  await heal();
};

export async function conclude(
  s: Scenario,
  attempts: Attempt[],
  meta: { title: string; injected: string; mustHold: string; fault?: Window; allow?: number[]; poison?: Record<string, number>; counters?: Record<string, number | string>; violations?: string[] },
): Promise<Books> {
  const books = await checkBooks({ admin: s.admin, customers: s.customers, attempts, product: s.product, before: s.before, fault: meta.fault, allow: meta.allow, poison: meta.poison });
  if (meta.fault) books.counters['seconds the fault lasted'] = Math.round((meta.fault.to - meta.fault.from) / 1000);
  Object.assign(books.counters, meta.counters ?? {});
  // The scenario's own checks (latency, reads) count in the report's verdict like the books'.
  books.violations.push(...(meta.violations ?? []));
  record({ id: s.id, title: meta.title, injected: meta.injected, mustHold: meta.mustHold, books, seconds: Math.round((Date.now() - s.started) / 1000) }, attempts);
  return books;
}
