/**
 * Bounded load through the edge for the fault scenarios: orders at a steady rate (each with its
 * own Idempotency-Key), bounded in count and in time, every answer recorded with its latency.
 * A client that got no answer or a 5xx retries with the same key once the fault is healed
 * (`retryUnanswered`), which is what proves "no key with two orders" and "nothing
 * acknowledged lost" after a crash in the middle of a request.
 */
import { randomUUID } from 'node:crypto';
import { EDGE, type Customer } from '../e2e/api.js';

export interface Attempt {
  customer: number;
  key: string;
  body: { items: Array<{ productId: string; quantity: number }>; paymentToken?: string };
  /** The first answer: 0 when there was none (refused connection, timeout). */
  status: number;
  code?: string;
  retryAfter?: string;
  /** The order id of a 202, from the first answer or a retry with the same key. */
  orderId?: string;
  ms: number;
  /** When it was sent, ms since the epoch. */
  at: number;
  /** Statuses of the retries with the same key, in order. */
  retries: number[];
}

export interface Window {
  from: number;
  to: number;
}

const TIMEOUT_MS = 15_000;

async function send(token: string, key: string, body: Attempt['body']) {
  const started = Date.now();
  try {
    const res = await fetch(`${EDGE}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'Idempotency-Key': key },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    let json: { id?: string; error?: { code?: string } } = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { error: { code: 'NOT_JSON' } };
    }
    return { status: res.status, code: json.error?.code, orderId: res.status === 202 ? json.id : undefined, retryAfter: res.headers.get('retry-after') ?? undefined, ms: Date.now() - started };
  } catch (err) {
    return { status: 0, code: (err as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'NO_ANSWER', ms: Date.now() - started };
  }
}

export interface OrderLoad {
  /** Stops sending; resolves with every attempt once the ones in flight have answered. */
  stop(): Promise<Attempt[]>;
  attempts: Attempt[];
}

/**
 * Sends one order every 1000/ratePerSec ms, customers in turn, until stop(), `maxRequests`
 * or `maxMs`, whichever comes first.
 */
export function startOrderLoad(opts: {
  customers: Customer[];
  productId: string;
  ratePerSec: number;
  maxRequests: number;
  maxMs: number;
  quantity?: number;
}): OrderLoad {
  const attempts: Attempt[] = [];
  const inFlight: Array<Promise<void>> = [];
  const started = Date.now();
  let n = 0;
  let stopped = false;
  const tick = () => {
    if (stopped || n >= opts.maxRequests || Date.now() - started > opts.maxMs) return finish();
    const customer = n % opts.customers.length;
    const attempt: Attempt = {
      customer,
      key: randomUUID(),
      body: { items: [{ productId: opts.productId, quantity: opts.quantity ?? 1 }], paymentToken: 'tok_visa' },
      status: -1,
      ms: 0,
      at: Date.now(),
      retries: [],
    };
    attempts.push(attempt);
    n++;
    inFlight.push(send(opts.customers[customer].token, attempt.key, attempt.body).then((r) => void Object.assign(attempt, r)));
  };
  const timer = setInterval(tick, 1000 / opts.ratePerSec);
  const finish = () => {
    stopped = true;
    clearInterval(timer);
  };
  return {
    attempts,
    async stop() {
      finish();
      await Promise.all(inFlight);
      return attempts;
    },
  };
}

/** Sends `count` orders at once (one key each), customers in turn. */
export async function burst(customers: Customer[], productId: string, count: number, quantity = 1, key?: string): Promise<Attempt[]> {
  const attempts: Attempt[] = Array.from({ length: count }, (_, n) => ({
    customer: n % customers.length,
    key: key ?? randomUUID(),
    body: { items: [{ productId, quantity }], paymentToken: 'tok_visa' },
    status: -1,
    ms: 0,
    at: Date.now(),
    retries: [],
  }));
  await Promise.all(attempts.map(async (a) => Object.assign(a, await send(customers[a.customer].token, a.key, a.body))));
  return attempts;
}

/**
 * What a client does after a lost answer or a 5xx: the same key and body again, until a
 * definite answer (at most `tries` times each). A 202 found this way joins the books.
 */
export async function retryUnanswered(customers: Customer[], attempts: Attempt[], tries = 5): Promise<void> {
  const open = attempts.filter((a) => a.status === 0 || a.status >= 500);
  await Promise.all(
    open.map(async (a) => {
      for (let i = 0; i < tries; i++) {
        const r = await send(customers[a.customer].token, a.key, a.body);
        a.retries.push(r.status);
        if (r.status === 202) a.orderId = r.orderId;
        if (r.status !== 0 && r.status < 500) return;
        await new Promise((res) => setTimeout(res, 1_000));
      }
    }),
  );
}

/** Counts by first status ("202": 120, "503": 4, ...). */
export function statusCounts(attempts: Array<{ status: number }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of attempts) counts[String(a.status)] = (counts[String(a.status)] ?? 0) + 1;
  return counts;
}

export interface Read {
  path: string;
  status: number;
  ms: number;
  at: number;
}

/** GETs of `path(n)` at a steady rate, bounded like startOrderLoad. */
export function startReadLoad(opts: { path: (n: number) => string; ratePerSec: number; maxRequests: number; maxMs: number; token?: string }) {
  const reads: Read[] = [];
  const inFlight: Array<Promise<void>> = [];
  const started = Date.now();
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || reads.length >= opts.maxRequests || Date.now() - started > opts.maxMs) return void clearInterval(timer);
    const read: Read = { path: opts.path(reads.length), status: -1, ms: 0, at: Date.now() };
    reads.push(read);
    inFlight.push(
      fetch(`${EDGE}${read.path}`, { headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {}, signal: AbortSignal.timeout(TIMEOUT_MS) })
        .then(async (res) => {
          await res.arrayBuffer();
          read.status = res.status;
        })
        .catch(() => void (read.status = 0))
        .finally(() => void (read.ms = Date.now() - read.at)),
    );
  }, 1000 / opts.ratePerSec);
  return {
    reads,
    async stop(): Promise<Read[]> {
      stopped = true;
      clearInterval(timer);
      await Promise.all(inFlight);
      return reads;
    },
  };
}

/** The q-th quantile of the latencies (0..1). */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] : 0;
}
