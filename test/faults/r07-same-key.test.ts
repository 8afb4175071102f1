/** R7: the same Idempotency-Key sent 20 times at once, across both order replicas: one order. */
import { describe, expect, it } from '@jest/globals';
import { ordersServedBy, replicaPorts } from '../stack.js';
import { burst } from './load.js';
import { conclude, prepare } from './scenario.js';

describe('R7: one key, twenty requests at once', () => {
  it('when the same key and body are sent 20 times at once across the replicas, then exactly one order exists and every 202 names it', async () => {
    const s = await prepare('R7', { stock: 100, customers: 1 });
    const servedBefore = await Promise.all(replicaPorts('order').map(ordersServedBy));
    const attempts = await burst(s.customers, s.product.id, 20, 1, crypto.randomUUID());
    const servedAfter = await Promise.all(replicaPorts('order').map(ordersServedBy));

    const ids = new Set(attempts.filter((a) => a.status === 202).map((a) => a.orderId));
    const answers = attempts.map((a) => (a.status === 202 ? '202' : `${a.status} ${a.code}`));
    const books = await conclude(s, attempts, {
      title: 'the same key 20 times at once, across the replicas',
      injected: '20 simultaneous POST /api/orders with one Idempotency-Key and one body',
      mustHold: 'one order',
      counters: { 'distinct order ids in the 202s': ids.size, 'replicas that served some': servedAfter.filter((n, i) => n > servedBefore[i]).length },
    });
    expect(books.violations).toEqual([]);
    expect(ids.size).toBe(1);
    expect(books.counters.orders).toBe(1);
    // The others are told it is in flight (409) or slowed by the per-user limit (429), never a second order.
    expect(answers.every((a) => a === '202' || a === '409 IDEMPOTENCY_KEY_IN_FLIGHT' || a === '429 RATE_LIMITED')).toBe(true);
    expect(servedAfter.every((n, i) => n > servedBefore[i])).toBe(true);
  }, 120_000);
});
