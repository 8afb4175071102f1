import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { makeEvent } from '@shop/contracts';
import { dlqName, PermanentError, replayDeadLetters } from '../src/index.js';
import { eventually, GUEST_SENDS_ALL, messagingSuite } from './helpers.js';

const t = messagingSuite('dlq-test');

const queueName = (delays: number[]) => t.probe.queue('test.dlq', delays);

describe('dead-letter replay', () => {
  it('when replayed messages dead-letter again while a replay without --limit runs, then it moves each one once and stops', async () => {
    const delays = [50];
    const queue = queueName(delays);
    let calls = 0;
    const sub = t.broker.consume({
      queue,
      events: ['product.deleted.v1'],
      retryDelaysMs: delays,
      handle: async () => {
        calls++;
        throw new PermanentError('still broken');
      },
    });
    await sub.waitUntilActive();
    const count = 30;
    for (let i = 0; i < count; i++) await t.broker.publish(makeEvent('product.deleted.v1', { productId: randomUUID() }, { source: 'test' }));
    await eventually(async () => (await t.probe.count(dlqName(queue))) === count, 10_000);
    expect(calls).toBe(count);

    // The consumer stays up, so every replayed copy fails and comes straight back to the DLQ.
    const { moved, left, failed } = await replayDeadLetters(t.amqpUrl, queue, { senders: GUEST_SENDS_ALL });
    expect({ moved: moved.length, left: left.length, failed: failed.length }).toEqual({ moved: count, left: 0, failed: 0 });
    expect(new Set(moved.map((m) => m.messageId)).size).toBe(count);
    await eventually(async () => (await t.probe.count(dlqName(queue))) === count && calls === 2 * count, 10_000);
    await sub.cancel();
  }, 40_000);

  it('when only some event ids are asked for, then only those are moved and the rest stay in the dead-letter queue', async () => {
    const delays = [50];
    const queue = queueName(delays);
    const sub = t.broker.consume({
      queue,
      events: ['product.deleted.v1'],
      retryDelaysMs: delays,
      handle: async () => {
        throw new PermanentError('still broken');
      },
    });
    await sub.waitUntilActive();
    const events = Array.from({ length: 4 }, () => makeEvent('product.deleted.v1', { productId: randomUUID() }, { source: 'test' }));
    for (const e of events) await t.broker.publish(e);
    await eventually(async () => (await t.probe.count(dlqName(queue))) === events.length, 10_000);
    await sub.cancel();

    const picked = [events[1].id, events[3].id];
    const { moved, left, failed } = await replayDeadLetters(t.amqpUrl, queue, { senders: GUEST_SENDS_ALL, ids: picked });
    expect({ moved: moved.map((m) => m.messageId).sort(), left, failed }).toEqual({ moved: [...picked].sort(), left: [], failed: [] });
    expect(await t.probe.count(dlqName(queue))).toBe(2);
    const back = await t.probe.drain(queue);
    expect(back.map((m) => JSON.parse(m.content.toString()).id).sort()).toEqual([...picked].sort());
    const stayed = await t.probe.drain(dlqName(queue));
    expect(stayed.map((m) => JSON.parse(m.content.toString()).id).sort()).toEqual([events[0].id, events[2].id].sort());
  }, 40_000);
});
