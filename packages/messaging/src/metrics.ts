import { Counter, Gauge, register } from 'prom-client';
import { scrapeGauge, scrapeReading } from '@shop/http';

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
