import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { makeEvent, type EventEnvelope } from '@shop/contracts';
import { dlqName, eventsConsumed, getTask, PermanentError } from '../src/index.js';
import { eventually, messagingSuite } from './helpers.js';

const t = messagingSuite('batch-test', { db: true });

const deleted = () => makeEvent('product.deleted.v1', { productId: randomUUID() }, { source: 'test' });

const queueName = (delays: number[]) => t.probe.queue('test.b', delays);

const consumed = async (queue: string, outcome: string) =>
  (await eventsConsumed.get()).values.filter((v) => v.labels.queue === queue && v.labels.outcome === outcome).reduce((n, v) => n + v.value, 0);

const effectsOf = async (ids: string[]) =>
  Number((await t.db('effects').whereIn('event_id', ids).count({ n: '*' }))[0].n);

describe('batch consumer', () => {
  it('when 500 messages arrive, then each has its effect exactly once, in far fewer transactions than messages', async () => {
    const queue = queueName([1_000]);
    const sizes: number[] = [];
    const sub = t.broker.consumeBatch({
      queue,
      events: ['product.deleted.v1'],
      db: t.db,
      batchSize: 50,
      maxWaitMs: 20,
      retryDelaysMs: [1_000],
      handleBatch: async (events, trx) => {
        sizes.push(events.length);
        await trx('effects').insert(events.map((e) => ({ event_id: e.id })));
      },
    });
    await sub.waitUntilActive();
    const events = Array.from({ length: 500 }, deleted);
    for (let i = 0; i < events.length; i += 100) await Promise.all(events.slice(i, i + 100).map((e) => t.broker.publish(e)));

    await eventually(async () => (await consumed(queue, 'processed')) === 500, 20_000);
    const ids = events.map((e) => e.id);
    expect(await effectsOf(ids)).toBe(500);
    const perEvent = await t.db('effects').whereIn('event_id', ids).groupBy('event_id').havingRaw('count(*) > 1').select('event_id');
    expect(perEvent).toEqual([]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(500);
    expect(sizes.length).toBeLessThan(100);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    const statuses: Array<{ status: string; n: string | number }> = await t.db('tasks').where('consumer', queue).groupBy('status').select('status').count({ n: '*' });
    expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([['complete', 500]]);
    expect(await t.probe.count(queue)).toBe(0);
    await sub.cancel();
  });

  it('when messages were already processed, or arrive twice in one batch, then only new ones reach the handler', async () => {
    const queue = queueName([1_000]);
    const seen: string[] = [];
    const old = Array.from({ length: 5 }, deleted);
    await t.db('inbox').insert(old.map((e) => ({ consumer: queue, message_id: e.id })));
    const sub = t.broker.consumeBatch({
      queue,
      events: ['product.deleted.v1'],
      db: t.db,
      batchSize: 50,
      maxWaitMs: 200, // long enough that all of them land in one batch
      retryDelaysMs: [1_000],
      handleBatch: async (events, trx) => {
        seen.push(...events.map((e) => e.id));
        await trx('effects').insert(events.map((e) => ({ event_id: e.id })));
      },
    });
    await sub.waitUntilActive();
    const fresh = Array.from({ length: 5 }, deleted);
    const all: EventEnvelope[] = [...old, ...fresh, fresh[0], fresh[1]];
    await Promise.all(all.map((e) => t.broker.publish(e)));

    await eventually(async () => (await consumed(queue, 'processed')) + (await consumed(queue, 'duplicate')) === all.length);
    expect(seen.sort()).toEqual(fresh.map((e) => e.id).sort());
    expect(await effectsOf(all.map((e) => e.id))).toBe(5);
    expect(await consumed(queue, 'duplicate')).toBe(7);
    expect(await t.probe.count(queue)).toBe(0);
    await sub.cancel();
  });

  it('when one message of a batch is poison, then it alone is dead-lettered and the others complete', async () => {
    const queue = queueName([50]);
    const events = Array.from({ length: 30 }, deleted);
    const poison = events[17];
    let batchCalls = 0;
    const sub = t.broker.consumeBatch({
      queue,
      events: ['product.deleted.v1'],
      db: t.db,
      batchSize: 50,
      maxWaitMs: 200,
      retryDelaysMs: [50],
      handleBatch: async (batch, trx) => {
        batchCalls++;
        await trx('effects').insert(batch.map((e) => ({ event_id: e.id })));
        if (batch.some((e) => e.id === poison.id)) throw new PermanentError('this product cannot be deleted');
      },
    });
    await sub.waitUntilActive();
    await Promise.all(events.map((e) => t.broker.publish(e)));

    await eventually(async () => (await getTask(t.db, queue, poison.id))?.status === 'failed', 10_000);
    const others = events.filter((e) => e !== poison).map((e) => e.id);
    await eventually(async () => (await effectsOf(others)) === 29, 10_000);
    expect(await effectsOf([poison.id])).toBe(0);
    expect(await t.probe.count(dlqName(queue))).toBe(1);
    const [dead] = await t.probe.drain(dlqName(queue));
    expect(dead.properties.messageId).toBe(poison.id);
    const tasks = await t.db('tasks').where('consumer', queue).whereIn('message_id', others).select('status');
    expect(tasks).toHaveLength(29);
    expect(tasks.every((t) => t.status === 'complete')).toBe(true);
    expect(batchCalls).toBeGreaterThan(1); // the failed batch, then one call per message
    expect(await t.probe.count(queue)).toBe(0);
    await sub.cancel();
  });

  it('when a message in a batch cannot be parsed, then it is dead-lettered and the rest are processed', async () => {
    const queue = queueName([1_000]);
    const sub = t.broker.consumeBatch({
      queue,
      events: ['product.deleted.v1'],
      db: t.db,
      maxWaitMs: 200,
      retryDelaysMs: [1_000],
      handleBatch: async (batch, trx) => {
        await trx('effects').insert(batch.map((e) => ({ event_id: e.id })));
      },
    });
    await sub.waitUntilActive();
    const good = [deleted(), deleted()];
    await t.broker.publish(good[0]);
    t.probe.ch.sendToQueue(queue, Buffer.from('not json'), { messageId: 'junk-1', persistent: true });
    await t.broker.publish(good[1]);

    await eventually(async () => (await t.probe.count(dlqName(queue))) === 1);
    await eventually(async () => (await effectsOf(good.map((e) => e.id))) === 2);
    await sub.cancel();
  });
});
