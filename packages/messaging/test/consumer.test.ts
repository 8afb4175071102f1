import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { makeEvent } from '@shop/contracts';
import { dlqName, eventsConsumed, getTask, MessageHeaders, PermanentError, replayDeadLetters } from '../src/index.js';
import { closeConnections, connectedBroker, eventually, uniq, messagingSuite } from './helpers.js';

const t = messagingSuite('consumer-test', { db: true });

const deleted = () => makeEvent('product.deleted.v1', { productId: randomUUID() }, { source: 'test' });

const queueName = (delays?: number[]) => t.probe.queue('test.q', delays);

const consumed = async (queue: string, outcome: string) =>
  (await eventsConsumed.get()).values.filter((v) => v.labels.queue === queue && v.labels.outcome === outcome).reduce((n, v) => n + v.value, 0);

describe('consumer', () => {
  it('when a message cannot be parsed, then it lands in the DLQ with the reason, and replay puts it back on the queue', async () => {
    const queue = queueName();
    let calls = 0;
    const sub = t.broker.consume({ queue, events: ['product.deleted.v1'], handle: async () => void calls++ });
    await sub.waitUntilActive();

    t.probe.ch.sendToQueue(queue, Buffer.from('{"this is": "not an event"'), { messageId: 'poison-1', persistent: true });
    await eventually(async () => (await t.probe.count(dlqName(queue))) === 1);
    expect(calls).toBe(0);
    expect(await t.probe.count(queue)).toBe(0);

    await sub.cancel(); // so the replayed message stays where we can look at it
    const { moved } = await replayDeadLetters(t.amqpUrl, queue);
    expect(moved).toEqual([expect.objectContaining({ messageId: 'poison-1', reason: expect.stringMatching(/^unparseable/) })]);
    expect(await t.probe.count(dlqName(queue))).toBe(0);
    const [back] = await t.probe.drain(queue);
    expect(back.content.toString()).toBe('{"this is": "not an event"');
    expect(back.properties.headers?.[MessageHeaders.dlqReason]).toBeUndefined();
  });

  it('when a handler fails twice and then succeeds, then it is retried with backoff and its task ends complete', async () => {
    const delays = [150, 300, 600];
    const queue = queueName(delays);
    const calls: number[] = [];
    const sub = t.broker.consume({
      queue,
      events: ['product.deleted.v1'],
      db: t.db,
      retryDelaysMs: delays,
      handle: async (event, trx) => {
        calls.push(Date.now());
        await trx('effects').insert({ event_id: event.id });
        if (calls.length <= 2) throw new Error(`flaky downstream #${calls.length}`);
      },
    });
    await sub.waitUntilActive();
    const event = deleted();
    await t.broker.publish(event);

    await eventually(async () => (await getTask(t.db, queue, event.id))?.status === 'complete');
    const task = await getTask(t.db, queue, event.id);
    expect(task).toMatchObject({ status: 'complete', attempts: 3, lastError: null, eventType: 'product.deleted.v1' });
    expect(calls).toHaveLength(3);
    expect(calls[1] - calls[0]).toBeGreaterThanOrEqual(140);
    expect(calls[2] - calls[1]).toBeGreaterThanOrEqual(290);
    // the failed attempts rolled back their effects with the inbox row
    expect(await t.db('effects').where('event_id', event.id)).toHaveLength(1);
    await sub.cancel();
  });

  it('when retries run out or the handler throws PermanentError, then the message is dead-lettered and its task failed', async () => {
    const delays = [50];
    const queue = queueName(delays);
    const sub = t.broker.consume({
      queue,
      events: ['product.deleted.v1'],
      db: t.db,
      retryDelaysMs: delays,
      handle: async (event) => {
        throw event.data.productId === permanent.data.productId ? new PermanentError('no such product') : new Error('still down');
      },
    });
    await sub.waitUntilActive();
    const [permanent, transient] = [deleted(), deleted()];
    await t.broker.publish(permanent);
    await t.broker.publish(transient);

    const failed = async (id: string) => (await getTask(t.db, queue, id))?.status === 'failed';
    await eventually(async () => (await failed(permanent.id)) && (await failed(transient.id)));
    expect(await t.probe.count(dlqName(queue))).toBe(2);
    expect(await getTask(t.db, queue, permanent.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('permanent') });
    expect(await getTask(t.db, queue, transient.id)).toMatchObject({ status: 'failed', attempts: 2, lastError: expect.stringContaining('gave up after 2') });
    await sub.cancel();
  });

  it('when the same envelope is delivered twice, then the effect runs once', async () => {
    const queue = queueName();
    let effects = 0;
    const sub = t.broker.consume({
      queue,
      events: ['product.deleted.v1'],
      db: t.db,
      handle: async (event, trx) => {
        effects++;
        await trx('effects').insert({ event_id: event.id });
      },
    });
    await sub.waitUntilActive();
    const event = deleted();
    await t.broker.publish(event);
    await t.broker.publish(event);

    await eventually(async () => (await consumed(queue, 'processed')) + (await consumed(queue, 'duplicate')) === 2);
    expect(effects).toBe(1);
    expect(await t.db('effects').where('event_id', event.id)).toHaveLength(1);
    expect(await consumed(queue, 'duplicate')).toBe(1);
    expect((await getTask(t.db, queue, event.id))?.status).toBe('complete');
    await sub.cancel();
  });

  it('when the connection is force-closed, then the broker reconnects and the consumer receives later events', async () => {
    const name = uniq('reconnect-test-');
    const own = await connectedBroker(name, { url: t.amqpUrl });
    const queue = queueName();
    const seen: string[] = [];
    const sub = own.consume({ queue, events: ['product.deleted.v1'], handle: async (e) => void seen.push(e.id) });
    await sub.waitUntilActive();

    let sawDisconnect = false;
    const watch = setInterval(() => (sawDisconnect ||= !own.isConnected()), 5);
    await closeConnections([name], t.vhost);
    await eventually(() => sawDisconnect, 5_000).finally(() => clearInterval(watch));
    // Prompt: the first reconnect is scheduled ~250 ms after the close.
    await own.waitUntilConnected(5_000);
    await sub.waitUntilActive(5_000);

    const event = deleted();
    await own.publish(event);
    await eventually(() => seen.includes(event.id), 5_000);
    await own.close();
  });
});
