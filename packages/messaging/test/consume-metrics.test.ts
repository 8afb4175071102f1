import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { makeEvent } from '@shop/contracts';
import { consumeLag, dlqName, tasksByStatus, tasksOldestAge } from '../src/index.js';
import { eventually, messagingSuite } from './helpers.js';

const t = messagingSuite('consume-metrics-test', { db: true });

/** What /metrics would say for one queue: `status -> value` of a task gauge. */
async function byStatus(gauge: typeof tasksByStatus, queue: string): Promise<Record<string, number>> {
  const { values } = await gauge.get();
  return Object.fromEntries(values.filter((v) => v.labels.queue === queue).map((v) => [v.labels.status, v.value]));
}

const lagCount = async (queue: string) =>
  (await consumeLag.get()).values.find((v) => v.labels.queue === queue && v.metricName === 'messaging_consume_lag_seconds_count')?.value ?? 0;

describe('consumer metrics', () => {
  it('when a message waits for its retry and then is dead-lettered, then messaging_tasks counts it pending, then failed, on its queue', async () => {
    const delays = [1_500];
    const queue = t.probe.queue('test.metrics', delays);
    const sub = t.broker.consume({
      queue,
      events: ['product.deleted.v1'],
      db: t.db,
      retryDelaysMs: delays,
      handle: async () => {
        throw new Error('still down');
      },
    });
    await sub.waitUntilActive();
    expect(await byStatus(tasksByStatus, queue)).toEqual({ pending: 0, processing: 0, failed: 0 });

    await t.broker.publish(makeEvent('product.deleted.v1', { productId: randomUUID() }, { source: 'test' }));
    await eventually(async () => (await byStatus(tasksByStatus, queue)).pending === 1);
    expect((await byStatus(tasksOldestAge, queue)).pending).toBeGreaterThan(0);

    await eventually(async () => (await byStatus(tasksByStatus, queue)).failed === 1, 8_000);
    expect(await byStatus(tasksByStatus, queue)).toEqual({ pending: 0, processing: 0, failed: 1 });
    expect(await t.probe.count(dlqName(queue))).toBe(1);
    // Two deliveries (the first and the retry), each observed once, the retry's after its delay.
    expect(await lagCount(queue)).toBe(2);

    await sub.cancel();
    expect(await byStatus(tasksByStatus, queue)).toEqual({});
  });

  it('when a batch consumer takes messages, then each delivery is one consume-lag observation', async () => {
    const queue = t.probe.queue('test.metrics-batch');
    let handled = 0;
    const sub = t.broker.consumeBatch({
      queue,
      events: ['product.deleted.v1'],
      db: t.db,
      batchSize: 10,
      maxWaitMs: 50,
      handleBatch: async (events) => void (handled += events.length),
    });
    await sub.waitUntilActive();
    for (let i = 0; i < 5; i++) await t.broker.publish(makeEvent('product.deleted.v1', { productId: randomUUID() }, { source: 'test' }));
    await eventually(() => handled === 5);
    expect(await lagCount(queue)).toBe(5);
    expect(await byStatus(tasksByStatus, queue)).toEqual({ pending: 0, processing: 0, failed: 0 });
    await sub.cancel();
  });
});
