import { Counter, Gauge, register } from 'prom-client';

// Registered once per process on the default registry, however often this module is loaded.
function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}

export const eventsPublished = counter('messaging_events_published_total', 'Events confirmed by the broker', ['type']);
export const publishFailures = counter('messaging_publish_failures_total', 'Publishes that failed or were not confirmed', ['type']);
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
let readBacklog: (() => Promise<OutboxBacklog>) | undefined;
let lastRead: { at: number; value: Promise<OutboxBacklog> } | undefined;

/** Sets (or with undefined clears) what the outbox gauges read. */
export function watchOutbox(read: (() => Promise<OutboxBacklog>) | undefined): void {
  readBacklog = read;
  lastRead = undefined;
}

// Both gauges are collected in the same scrape: they share one read.
function backlog(): Promise<OutboxBacklog> {
  if (!readBacklog) return Promise.resolve({ rows: 0, oldestAgeSeconds: 0 });
  const now = Date.now();
  if (!lastRead || now - lastRead.at > 1_000) {
    lastRead = { at: now, value: readBacklog().catch(() => ({ rows: Number.NaN, oldestAgeSeconds: Number.NaN })) };
  }
  return lastRead.value;
}

function backlogGauge(name: string, help: string, pick: (b: OutboxBacklog) => number): Gauge {
  return (register.getSingleMetric(name) as Gauge | undefined) ??
    new Gauge({
      name,
      help,
      async collect() {
        this.set(pick(await backlog()));
      },
    });
}

export const outboxWaiting = backlogGauge('messaging_outbox_waiting_rows', 'Outbox rows not yet published', (b) => b.rows);
export const outboxOldestAge = backlogGauge(
  'messaging_outbox_oldest_age_seconds',
  'Age of the oldest outbox row not yet published (0 when none)',
  (b) => b.oldestAgeSeconds,
);
export const eventsRefused = counter(
  'messaging_events_refused_total',
  'Events dead-lettered because their broker-verified sender may not send their type (none: no user_id)',
  ['queue', 'type', 'sender'],
);
