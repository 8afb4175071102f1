import type { Knex } from 'knex';
import { Counter, Gauge, Histogram, register } from 'prom-client';
import { scrapeGauge, scrapeReading, type GaugeSample } from '@shop/http';

// Registered once per process on the default registry, however often this module is loaded.
function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}

export const eventsPublished = counter('messaging_events_published_total', 'Events confirmed by the broker', ['type']);
export const publishFailures = counter('messaging_publish_failures_total', 'Publishes that failed or were not confirmed', ['type']);
export const publishRefused = counter(
  'messaging_publish_refused_total',
  'Publishes the broker refused (ACCESS_REFUSED: no write permission for the routing key); their outbox rows wait',
  ['type'],
);
export const eventsConsumed = counter(
  'messaging_events_consumed_total',
  'Messages consumed, by outcome: processed, duplicate, retried, dead_lettered',
  ['queue', 'type', 'outcome'],
);
export const outboxLag = (register.getSingleMetric('messaging_outbox_lag_seconds') as Gauge | undefined) ??
  new Gauge({ name: 'messaging_outbox_lag_seconds', help: 'Age of the oldest unpublished outbox row seen by the relay' });

/**
 * The outbox as Prometheus reads it: rows not yet published and the age of the oldest, one
 * indexed query (outbox_unpublished_idx) per scrape, run only when someone scrapes. The relay
 * of this process names its database (`watchOutbox`); without one both read 0.
 */
export interface OutboxBacklog {
  rows: number;
  oldestAgeSeconds: number;
}
const backlog = scrapeReading<OutboxBacklog>({ rows: 0, oldestAgeSeconds: 0 }, { rows: Number.NaN, oldestAgeSeconds: Number.NaN });

/** Sets (or with undefined clears) what the outbox gauges read; both share one read a scrape. */
export const watchOutbox = backlog.watch;

export const outboxWaiting = scrapeGauge('messaging_outbox_waiting_rows', 'Outbox rows not yet published', [], async () => (await backlog.get()).rows);
export const outboxOldestAge = scrapeGauge(
  'messaging_outbox_oldest_age_seconds',
  'Age of the oldest outbox row not yet published (0 when none)',
  [],
  async () => (await backlog.get()).oldestAgeSeconds,
);
export const eventsRefused = counter(
  'messaging_events_refused_total',
  'Events dead-lettered because their broker-verified sender may not send their type (none: no user_id)',
  ['queue', 'type', 'sender'],
);

/**
 * How far behind a consumer is: the age of each event (its `occurredAt`) when its consumer took
 * it, retries and their delays included. Observed once per delivery, at the one gate (`admit`).
 */
export const consumeLag = (register.getSingleMetric('messaging_consume_lag_seconds') as Histogram | undefined) ??
  new Histogram({
    name: 'messaging_consume_lag_seconds',
    help: 'Age of an event when its consumer took it (occurredAt to delivery), per queue',
    labelNames: ['queue'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  });

export function observeConsumeLag(queue: string, occurredAt: string): void {
  const age = (Date.now() - Date.parse(occurredAt)) / 1000;
  if (Number.isFinite(age)) consumeLag.observe({ queue }, Math.max(0, age));
}

/**
 * Task status counts per queue, read when Prometheus scrapes: the unfinished ones only
 * (pending = waiting for a retry, processing, failed = dead-lettered), by the `tasks_status_index`.
 * Complete tasks are `messaging_events_consumed_total{outcome="processed"}`; counting them here
 * would read a table that only grows, every 5 s on every replica.
 */
export const UNFINISHED_TASK_STATUSES = ['pending', 'processing', 'failed'] as const;
export interface TaskCount {
  queue: string;
  status: string;
  count: number;
  oldestAgeSeconds: number;
}
// Each consumer with a database names it here; its queue reads 0 for a status it has none of.
const taskWatch = new Map<Knex, Map<string, number>>();
const tasks = scrapeReading<TaskCount[]>([], []);

/** A consumer of `queue` keeps its task status in `db`; the returned function forgets it. */
export function watchTasks(db: Knex, queue: string): () => void {
  const queues = taskWatch.get(db) ?? new Map<string, number>();
  taskWatch.set(db, queues.set(queue, (queues.get(queue) ?? 0) + 1));
  rewatch();
  return () => {
    const n = (queues.get(queue) ?? 1) - 1;
    if (n > 0) queues.set(queue, n);
    else queues.delete(queue);
    if (queues.size === 0) taskWatch.delete(db);
    rewatch();
  };
}

// One grouped count per database a scrape, shared by both task gauges.
function rewatch(): void {
  const watched = [...taskWatch].map(([db, queues]) => [db, [...queues.keys()]] as const);
  tasks.watch(watched.length === 0 ? undefined : async () => (await Promise.all(watched.map(([db, queues]) => readTasks(db, queues).catch(() => [])))).flat());
}

async function readTasks(db: Knex, queues: readonly string[]): Promise<TaskCount[]> {
  const rows = (await db('tasks')
    .whereIn('status', UNFINISHED_TASK_STATUSES)
    .whereIn('consumer', queues)
    .groupBy('consumer', 'status')
    .select('consumer', 'status', db.raw('count(*)::int as count'), db.raw('extract(epoch from now() - min(created_at))::float as age'))) as Array<{
    consumer: string;
    status: string;
    count: number;
    age: number;
  }>;
  const found = new Map(rows.map((r) => [`${r.consumer} ${r.status}`, r]));
  return queues.flatMap((queue) =>
    UNFINISHED_TASK_STATUSES.map((status) => {
      const r = found.get(`${queue} ${status}`);
      return { queue, status, count: Number(r?.count ?? 0), oldestAgeSeconds: Number(r?.age ?? 0) };
    }),
  );
}

const taskGauge = (name: string, help: string, pick: (t: TaskCount) => number) =>
  scrapeGauge(name, help, ['queue', 'status'], async () =>
    (await tasks.get()).map((t): GaugeSample => ({ labels: { queue: t.queue, status: t.status }, value: pick(t) })));

export const tasksByStatus = taskGauge('messaging_tasks', 'Consumed messages not yet complete, per queue and task status (pending, processing, failed)', (t) => t.count);
export const tasksOldestAge = taskGauge(
  'messaging_tasks_oldest_age_seconds',
  'Age of the oldest task in each status per queue, since its message first arrived (0 when none)',
  (t) => t.oldestAgeSeconds,
);
