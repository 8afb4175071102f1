import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Knex } from '@shop/db';
import { trace } from '@shop/telemetry';
import { startTestTracing } from '@shop/testing';
import { createUnitOfWork, eachEvent, startOutboxRelay, type Broker, type OutboxRelay } from '../src/index.js';
import { connectedBroker, dropDb, eventually, freshDb, logger, RabbitProbe } from './helpers.js';

// The broker hop and the outbox in a trace: an event written inside a span is published by the
// relay in that span's trace, and the consumer's handler runs in it too (one order, one trace).
let tracing: ReturnType<typeof startTestTracing>;
let db: Knex;
let broker: Broker;
let relay: OutboxRelay;
let probe: RabbitProbe;
const tracer = trace.getTracer('tracing-test');

beforeAll(async () => {
  tracing = startTestTracing();
  db = await freshDb();
  probe = await RabbitProbe.open();
  broker = await connectedBroker('tracing-test');
  relay = startOutboxRelay({ db, broker, logger, intervalMs: 50 });
});
afterAll(async () => {
  await relay.stop();
  await broker.close();
  await probe.close(); // deletes the tracetest.* queues, which would otherwise collect every later run's events
  await dropDb(db);
  await tracing.stop();
});

const uow = () => createUnitOfWork({ db, source: 'tracing-test', relay });

/** Writes product.deleted.v1 for a new product inside a span of its own; returns the ids. */
async function emitInSpan(): Promise<{ productId: string; traceId: string; spanId: string }> {
  const productId = randomUUID();
  return tracer.startActiveSpan('request', async (span) => {
    await uow().run((tx) => tx.outbox.emit('product.deleted.v1', { productId }));
    span.end();
    return { productId, ...span.spanContext() };
  });
}

const activeTraceId = () => trace.getActiveSpan()?.spanContext().traceId;

describe('trace context through the outbox and the broker', () => {
  it('when an event is written inside a span, then its row keeps the trace, and the publish and the handler continue it', async () => {
    const seen = new Map<string, string | undefined>();
    const sub = broker.consume({
      queue: probe.queue('tracetest.single.'),
      events: ['product.deleted.v1'],
      handle: async (event) => void seen.set(event.data.productId, activeTraceId()),
    });
    await sub.waitUntilActive();
    try {
      const sent = await emitInSpan();
      const row = await db('outbox').whereRaw("payload->'data'->>'productId' = ?", [sent.productId]).first();
      expect(row.traceparent).toBe(`00-${sent.traceId}-${sent.spanId}-01`);

      await eventually(() => seen.has(sent.productId));
      expect(seen.get(sent.productId)).toBe(sent.traceId);
      // The consumer can finish before the publisher's confirm ends its span: wait for both.
      const inTrace = () => tracing.spans().filter((s) => s.spanContext().traceId === sent.traceId);
      const publish = await eventually(() => inTrace().find((s) => s.name === 'publish product.deleted.v1'));
      const processSpan = await eventually(() => inTrace().find((s) => s.name.startsWith('process tracetest.single.')));
      expect(publish?.parentSpanContext?.spanId).toBe(sent.spanId);
      expect(processSpan?.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
    } finally {
      await sub.cancel();
    }
  });

  it('when a batch handles events from two traces in one transaction, then each event is handled in its own trace', async () => {
    const seen = new Map<string, string | undefined>();
    const sub = broker.consumeBatch({
      queue: probe.queue('tracetest.batch.'),
      events: ['product.deleted.v1'],
      db,
      batchSize: 10,
      maxWaitMs: 300,
      handleBatch: (events) => eachEvent(events, async (event) => void seen.set(event.data.productId, activeTraceId())),
    });
    await sub.waitUntilActive();
    try {
      const [a, b] = await Promise.all([emitInSpan(), emitInSpan()]);
      expect(a.traceId).not.toBe(b.traceId);
      await eventually(() => seen.has(a.productId) && seen.has(b.productId));
      expect(seen.get(a.productId)).toBe(a.traceId);
      expect(seen.get(b.productId)).toBe(b.traceId);
    } finally {
      await sub.cancel();
    }
  });
});
