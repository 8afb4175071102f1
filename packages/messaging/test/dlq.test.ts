import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { makeEvent } from '@shop/contracts';
import { dlqName, PermanentError, replayDeadLetters } from '../src/index.js';
import { eventually, messagingSuite } from './helpers.js';

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
    const moved = await replayDeadLetters(t.amqpUrl, queue);
    expect(moved).toHaveLength(count);
    expect(new Set(moved.map((m) => m.messageId)).size).toBe(count);
    await eventually(async () => (await t.probe.count(dlqName(queue))) === count && calls === 2 * count, 10_000);
    await sub.cancel();
  }, 40_000);
});
