/**
 * The consumer's subscribe retries, with fake timers and a connection that refuses every
 * channel: bounded backoff (never more than 2 s between attempts, it used to grow to 10 s)
 * and a reconnect during a backoff is tried at once (it used to be ignored while busy).
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { ChannelModel } from 'amqplib';
import { Consumer } from '../src/consumer.js';
import { ALLOWED_SENDERS } from '@shop/contracts';
import { logger } from './helpers.js';

const identity = { self: 'inventory', senders: ALLOWED_SENDERS };

afterEach(() => {
  jest.useRealTimers();
});

function refusingModel(attempts: number[]): ChannelModel {
  return {
    createConfirmChannel: async () => {
      attempts.push(Date.now());
      throw new Error('channel refused');
    },
  } as unknown as ChannelModel;
}

describe('consumer subscribe retries', () => {
  it('when subscribing keeps failing, then attempts are never more than 2 s apart', async () => {
    jest.useFakeTimers({ now: 0 });
    const attempts: number[] = [];
    const model = refusingModel(attempts);
    const consumer = new Consumer({ queue: 'test.backoff', events: ['product.deleted.v1'], handle: async () => {} }, logger, () => model, identity);
    void consumer.ensureSubscribed();
    await jest.advanceTimersByTimeAsync(30_000);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    expect(attempts.length).toBeGreaterThanOrEqual(15);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2_000);
    await consumer.stop(0);
  });

  it('when the broker reconnects while the consumer backs off, then it tries again at once', async () => {
    jest.useFakeTimers({ now: 0 });
    const attempts: number[] = [];
    const model = refusingModel(attempts);
    const consumer = new Consumer({ queue: 'test.wake', events: ['product.deleted.v1'], handle: async () => {} }, logger, () => model, identity);
    void consumer.ensureSubscribed();
    await jest.advanceTimersByTimeAsync(1_500); // attempts at 0, 200, 600 ms; now backing off until 1.4 s... or later
    await jest.advanceTimersByTimeAsync(100);
    const before = attempts.length;
    void consumer.ensureSubscribed(); // what Broker.onConnect does after a reconnect
    await jest.advanceTimersByTimeAsync(10);
    expect(attempts.length).toBe(before + 1);
    await consumer.stop(0);
  });
});
