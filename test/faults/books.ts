/**
 * "Check the books" after a fault scenario, through the API and the databases. One place for
 * every invariant of issue 10's fault matrix:
 *
 * - every accepted order (a 202, first answer or retry) exists and is final;
 * - no key with two orders: the customers' orders are exactly the orders their keys answered;
 * - confirmed units <= stock, and = stock when demand exceeded it;
 * - stock conserved: inventory's row adds up, nothing left reserved, sold = confirmed units;
 * - no message lost: every service's outbox published, every work and retry queue drained,
 *   no dead letter beyond the ones the scenario put there, no task left failed or pending;
 * - no 5xx at the edge except fast 503s (with Retry-After) while a dependency was away.
 *
 * `checkBooks` waits (bounded) for the asynchronous parts to settle and returns the counters
 * and a list of violations; a scenario expects the list to be empty.
 */
import pg from 'pg';
import { FINAL, api, type Customer } from '../e2e/api.js';
import { SERVICES, replicaPorts } from '../stack.js';
import type { Attempt, Window } from './load.js';
import { rabbitApi } from './platform.js';

/** A 503 slower than this is a hang, not a fast refusal. */
export const FAST_MS = 2_000;
/** A 503 this long after the fault healed still counts as "while the dependency was away". */
const GRACE_MS = 10_000;

/** A query on one service's own database, as its own role, straight to Postgres (no proxy). */
export async function sql<T = Record<string, unknown>>(service: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({
    connectionString: `postgres://${service}_svc:${service}_pw@127.0.0.1:5432/${service}_db`,
    connectionTimeoutMillis: 5_000,
  });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A queue's lifetime counters (publish, deliver, redeliver, ack) from the management API. */
export async function queueStats(queue: string): Promise<{ publish: number; redeliver: number; ack: number }> {
  const res = await rabbitApi('GET', `/queues/%2F/${encodeURIComponent(queue)}`);
  const stats = ((await res.json()) as { message_stats?: Record<string, number> }).message_stats ?? {};
  return { publish: stats.publish ?? 0, redeliver: stats.redeliver ?? 0, ack: stats.ack ?? 0 };
}

async function rabbitQueues(): Promise<Array<{ name: string; messages: number }>> {
  const res = await rabbitApi('GET', '/queues/%2F?columns=name,messages');
  return ((await res.json()) as Array<{ name: string; messages?: number }>).map((q) => ({ name: q.name, messages: q.messages ?? 0 }));
}

/**
 * One service's `messaging_events_consumed_total` for a queue and outcome (processed,
 * duplicate, retried, dead_lettered), per replica, with the replica's process start so that a
 * replica restarted in between counts from zero (`consumedSince`).
 */
export type Consumed = Record<number, { start: number; n: number }>;

export async function consumed(service: string, queue: string, outcome: string): Promise<Consumed> {
  const out: Consumed = {};
  for (const port of replicaPorts(service)) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    let n = 0;
    let start = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith('process_start_time_seconds ')) start = Number(line.split(' ')[1]);
      if (line.startsWith('messaging_events_consumed_total{') && line.includes(`queue="${queue}"`) && line.includes(`outcome="${outcome}"`)) n += Number(line.split(' ').at(-1));
    }
    out[port] = { start, n };
  }
  return out;
}

/** How many the replicas counted since `before` (a replica that restarted meanwhile, all of its count). */
export function consumedSince(before: Consumed, after: Consumed): number {
  let n = 0;
  for (const [port, a] of Object.entries(after)) {
    const b = before[Number(port)];
    n += b && b.start === a.start ? a.n - b.n : a.n;
  }
  return n;
}

/** Dead letters per DLQ and failed/pending tasks per service, to compare a scenario's end with its start. */
export interface Baseline {
  deadLetters: Record<string, number>;
  failedTasks: Record<string, number>;
}

export async function baseline(): Promise<Baseline> {
  const deadLetters: Record<string, number> = {};
  for (const q of await rabbitQueues()) if (q.name.endsWith('.dlq')) deadLetters[q.name] = q.messages;
  const failedTasks: Record<string, number> = {};
  for (const s of SERVICES) failedTasks[s] = Number((await sql<{ n: string }>(s, "select count(*) n from tasks where status = 'failed'"))[0].n);
  return { deadLetters, failedTasks };
}

export interface BooksInput {
  admin: string;
  customers: Customer[];
  attempts: Attempt[];
  product: { id: string; stock: number };
  before: Baseline;
  /** When the dependency was away; 503s are allowed only then (plus a grace). */
  fault?: Window;
  /** 5xx statuses besides a fast 503 that the fault makes unavoidable (a 502 for a POST in flight on a killed replica). */
  allow?: number[];
  /** Dead letters the scenario put there on purpose, by queue. */
  poison?: Record<string, number>;
  /** How long the asynchronous parts get to settle. */
  settleMs?: number;
}

export interface Books {
  counters: Record<string, number | string>;
  violations: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `read` until `done(value)` or the deadline; returns the last value either way. */
async function settle<T>(read: () => Promise<T>, done: (v: T) => boolean, deadline: number): Promise<T> {
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await sleep(500);
    value = await read().catch(() => value);
  }
  return value;
}

export async function checkBooks(input: BooksInput): Promise<Books> {
  const violations: string[] = [];
  const deadline = Date.now() + (input.settleMs ?? 120_000);
  const { attempts, product } = input;
  const userIds = input.customers.map((c) => c.id);

  // The edge: every answer a definite one; 5xx only as fast 503s with Retry-After during the fault.
  const firstAnswers = attempts.map((a) => ({ status: a.status, ms: a.ms, at: a.at, retryAfter: a.retryAfter, code: a.code }));
  const bad = firstAnswers.filter((a) => {
    if (a.status !== 0 && a.status < 500) return false;
    if (!input.fault) return true;
    const during = a.at >= input.fault.from - FAST_MS && a.at <= input.fault.to + GRACE_MS;
    if (input.allow?.includes(a.status)) return !during;
    return a.status !== 503 || !(during && a.ms <= FAST_MS && a.retryAfter !== undefined);
  });
  for (const a of bad.slice(0, 5)) violations.push(`edge answered ${a.status} ${a.code ?? ''} after ${a.ms} ms (retry-after ${a.retryAfter ?? 'none'})`);
  if (bad.length > 5) violations.push(`... ${bad.length - 5} more answers like those`);
  const unresolved = attempts.filter((a) => (a.status === 0 || a.status >= 500) && !a.retries.some((s) => s > 0 && s < 500));
  if (unresolved.length) violations.push(`${unresolved.length} requests never got a definite answer, even on retry`);

  // The orders the customers' keys answered, and the orders that exist.
  const accepted = new Map<string, string>(); // order id -> key
  for (const a of attempts) if (a.orderId) accepted.set(a.orderId, a.key);
  type Row = { id: string; status: string; units: string; key: string | null };
  const final = (rows: Row[]) => rows.every((r) => FINAL.includes(r.status));
  const rows = await settle(
    () =>
      sql<Row>(
        'order',
        `select o.id, o.status, coalesce(sum(l.quantity), 0) units,
           (select k.key from idempotency_keys k where k.user_id = o.user_id and k.response_body->>'id' = o.id::text limit 1) key
         from orders o left join order_lines l on l.order_id = o.id and l.product_id = $2
         where o.user_id = any($1::uuid[]) group by o.id`,
        [userIds, product.id],
      ),
    final,
    deadline,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const lost = [...accepted.keys()].filter((id) => !byId.has(id));
  if (lost.length) violations.push(`${lost.length} acknowledged orders do not exist (${lost.slice(0, 3).join(', ')})`);
  const notFinal = rows.filter((r) => !FINAL.includes(r.status));
  if (notFinal.length) violations.push(`${notFinal.length} orders not final: ${notFinal.slice(0, 3).map((r) => `${r.id} ${r.status}`).join(', ')}`);
  const orphans = rows.filter((r) => !r.key);
  if (orphans.length) violations.push(`${orphans.length} orders no idempotency key answered with (a second order for a key?)`);
  const keysWithTwo = new Map<string, number>();
  for (const r of rows) if (r.key) keysWithTwo.set(r.key, (keysWithTwo.get(r.key) ?? 0) + 1);
  const doubled = [...keysWithTwo.values()].filter((n) => n > 1).length;
  if (doubled) violations.push(`${doubled} keys with two orders`);
  // The API agrees with the database for every acknowledged order.
  const sample = [...accepted.keys()].slice(0, 20);
  for (const id of sample) {
    const a = attempts.find((x) => x.orderId === id)!;
    const res = await api('GET', `/api/orders/${id}`, { token: input.customers[a.customer].token });
    if (res.status !== 200 || res.body?.status !== byId.get(id)?.status) violations.push(`GET /api/orders/${id}: ${res.status} ${res.body?.status}, database says ${byId.get(id)?.status}`);
  }

  const confirmed = rows.filter((r) => r.status === 'CONFIRMED').reduce((n, r) => n + Number(r.units), 0);
  const demand = attempts.reduce((n, a) => n + a.body.items.reduce((m, l) => m + l.quantity, 0), 0);
  if (confirmed > product.stock) violations.push(`oversold: ${confirmed} confirmed units of ${product.stock}`);
  if (demand > product.stock && confirmed !== product.stock) violations.push(`demand ${demand} exceeded stock ${product.stock} but ${confirmed} units were confirmed`);

  // Inventory: the stock row adds up and agrees with the orders.
  type Stock = { available: number; reserved: number; sold: number; added: number };
  const stock = await settle(
    async () => (await sql<Stock>('inventory', 'select available, reserved, sold, added from stock where product_id = $1', [product.id]))[0],
    (s) => !!s && s.reserved === 0 && s.sold === confirmed,
    deadline,
  );
  if (!stock) violations.push('no stock row');
  else {
    if (stock.reserved !== 0) violations.push(`${stock.reserved} units still reserved`);
    if (stock.sold !== confirmed) violations.push(`inventory sold ${stock.sold}, orders confirmed ${confirmed}`);
    if (stock.added !== product.stock) violations.push(`stock added ${stock.added}, expected ${product.stock}`);
    if (stock.available + stock.reserved + stock.sold !== stock.added) violations.push(`stock not conserved: ${JSON.stringify(stock)}`);
  }

  // Messages: outboxes published, queues drained, no new dead letters or failed tasks.
  const outbox = await settle(
    async () => {
      const counts: Record<string, number> = {};
      for (const s of SERVICES) counts[s] = Number((await sql<{ n: string }>(s, 'select count(*) n from outbox where published_at is null'))[0].n);
      return counts;
    },
    (c) => Object.values(c).every((n) => n === 0),
    deadline,
  );
  for (const [s, n] of Object.entries(outbox)) if (n) violations.push(`${s}: ${n} outbox rows unpublished`);
  const poison = input.poison ?? {};
  const queues = await settle(
    rabbitQueues,
    (qs) => qs.every((q) => (q.name.endsWith('.dlq') ? q.messages <= (input.before.deadLetters[q.name] ?? 0) + (poison[q.name] ?? 0) : q.messages === 0)),
    deadline,
  );
  for (const q of queues) {
    if (q.name.endsWith('.dlq')) {
      const allowed = (input.before.deadLetters[q.name] ?? 0) + (poison[q.name] ?? 0);
      if (q.messages > allowed) violations.push(`${q.name}: ${q.messages} dead letters (${allowed} expected)`);
    } else if (q.messages !== 0) violations.push(`${q.name}: ${q.messages} messages not drained`);
  }
  let failedTasks = 0;
  let pendingTasks = 0;
  for (const s of SERVICES) {
    const [t] = await sql<{ failed: string; pending: string }>(
      s,
      "select count(*) filter (where status = 'failed') failed, count(*) filter (where status in ('pending', 'processing')) pending from tasks",
    );
    const failed = Number(t.failed) - (input.before.failedTasks[s] ?? 0);
    failedTasks += failed;
    pendingTasks += Number(t.pending);
  }
  const poisoned = Object.values(poison).reduce((n, m) => n + m, 0);
  if (failedTasks > poisoned) violations.push(`${failedTasks} tasks newly failed (${poisoned} expected)`);
  if (pendingTasks) violations.push(`${pendingTasks} tasks still pending or processing`);

  const statuses: Record<string, number> = {};
  for (const a of attempts) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
  const accepted202 = attempts.filter((a) => a.status === 202).length;
  const p99 = (() => {
    const ok = attempts.filter((a) => a.status > 0 && a.status < 500).map((a) => a.ms).sort((x, y) => x - y);
    return ok.length ? ok[Math.min(ok.length - 1, Math.floor(ok.length * 0.99))] : 0;
  })();
  return {
    counters: {
      requests: attempts.length,
      ...Object.fromEntries(Object.entries(statuses).map(([s, n]) => [`http ${s === '0' ? 'no answer' : s}`, n])),
      'slowest 503 ms': Math.max(0, ...attempts.filter((a) => a.status === 503).map((a) => a.ms)),
      'p99 ms (definite answers)': p99,
      'retried with the same key': attempts.filter((a) => a.retries.length).length,
      'accepted (202, first answer)': accepted202,
      'accepted in all': accepted.size,
      orders: rows.length,
      confirmed: rows.filter((r) => r.status === 'CONFIRMED').length,
      rejected: rows.filter((r) => r.status === 'REJECTED').length,
      expired: rows.filter((r) => r.status === 'EXPIRED').length,
      'confirmed units': confirmed,
      stock: product.stock,
      'inventory sold': stock?.sold ?? 'none',
      'dead letters added': queues.filter((q) => q.name.endsWith('.dlq')).reduce((n, q) => n + q.messages - (input.before.deadLetters[q.name] ?? 0), 0),
    },
    violations,
  };
}
