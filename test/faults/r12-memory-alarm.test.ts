/** R12: RabbitMQ's memory alarm (watermark lowered) under load: publishers wait, the outbox holds, nothing lost. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { until } from '../e2e/api.js';
import { sql } from './books.js';
import { statusCounts } from './load.js';
import { allReady, rabbitAlarm, rabbitWatermark, sleep } from './platform.js';
import { conclude, prepare, underLoad } from './scenario.js';

const DEFAULT_WATERMARK = '0.4'; // RabbitMQ's default; the stack sets no other

describe('R12: RabbitMQ memory alarm', () => {
  afterAll(async () => {
    await rabbitWatermark(DEFAULT_WATERMARK);
    await allReady();
  }, 120_000);

  it('when the broker raises its memory alarm under load, then orders are still accepted, the outbox holds them, and all become final after', async () => {
    const s = await prepare('R12', { stock: 1000, customers: 10 });
    let held = { n: '0' };
    const { attempts, fault } = await underLoad(s, { ratePerSec: 6, maxRequests: 400, maxMs: 90_000, margin: 3_000 }, async () => {
      await rabbitWatermark('0.0001');
      await until(rabbitAlarm, 'the memory alarm', 30_000);
      await sleep(10_000);
      [held] = await sql<{ n: string }>('order', 'select count(*) n from outbox where published_at is null');
      await rabbitWatermark(DEFAULT_WATERMARK);
      await until(async () => !(await rabbitAlarm()), 'the alarm to clear', 30_000);
    });

    const books = await conclude(s, attempts, {
      title: 'RabbitMQ memory alarm (watermark lowered)',
      injected: 'rabbitmqctl set_vm_memory_high_watermark 0.0001 for 10 s under 6 orders/s, then back to 0.4',
      mustHold: 'publishers wait, outbox holds, nothing lost',
      fault,
      counters: { 'order outbox rows held during the alarm': Number(held.n) },
    });
    expect(books.violations).toEqual([]);
    expect(statusCounts(attempts)).toEqual({ 202: attempts.length });
    expect(Number(held.n)).toBeGreaterThan(0); // the alarm did block the publishers
  }, 300_000);
});
