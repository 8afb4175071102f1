import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { makeEvent } from '@shop/contracts';
import { dlqName, getTask } from '../src/index.js';
import { eventually, messagingSuite } from './helpers.js';

const t = messagingSuite('retry-policy-test', { db: true });

const queueName = (delays: number[]) => t.probe.queue('test.retry', delays);

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

describe('retry policy', () => {
  it.each([
    ['the database is unreachable', refused],
    ['the transaction lost a deadlock', deadlock],
  ])('when %s for longer than the listed delays, then the message keeps being retried and completes once it is back', async (_what, fault) => {
    const delays = [30, 60];
    const queue = queueName(delays);
    const calls: number[] = [];
    const sub = t.broker.consume({
      queue,
      events: ['product.deleted.v1'],
      db: t.db,
      retryDelaysMs: delays,
      handle: async (event, trx) => {
        calls.push(Date.now());
        if (calls.length <= 6) throw fault();
        await trx('effects').insert({ event_id: event.id });
      },
    });
    await sub.waitUntilActive();
    const event = makeEvent('product.deleted.v1', { productId: randomUUID() }, { source: 'test' });
    await t.broker.publish(event);

    await eventually(async () => (await getTask(t.db, queue, event.id))?.status === 'complete', 10_000);
    expect(calls).toHaveLength(7);
    // capped backoff: after the list runs out, every wait is the last delay
    for (let i = 3; i < calls.length; i++) expect(calls[i] - calls[i - 1]).toBeGreaterThanOrEqual(55);
    expect(await t.probe.count(dlqName(queue))).toBe(0);
    expect(await t.db('effects').where('event_id', event.id)).toHaveLength(1);
    await sub.cancel();
  });

  it('when a handler fails with an ordinary error, then it still gets the listed delays once each and is dead-lettered', async () => {
    const delays = [30, 60];
    const queue = queueName(delays);
    let calls = 0;
    const sub = t.broker.consume({
      queue,
      events: ['product.deleted.v1'],
      db: t.db,
      retryDelaysMs: delays,
      handle: async () => {
        calls++;
        throw new Error('a bug');
      },
    });
    await sub.waitUntilActive();
    const event = makeEvent('product.deleted.v1', { productId: randomUUID() }, { source: 'test' });
    await t.broker.publish(event);

    await eventually(async () => (await getTask(t.db, queue, event.id))?.status === 'failed', 10_000);
    expect(calls).toBe(3);
    expect(await t.probe.count(dlqName(queue))).toBe(1);
    await sub.cancel();
  });
});
