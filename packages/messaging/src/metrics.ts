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
