/** R8: 500 orders from 50 buyers for 50 units, across both order replicas: exactly 50 sold. */
import { describe, expect, it } from '@jest/globals';
import { burst } from './load.js';
import { conclude, prepare } from './scenario.js';

describe('R8: 500 orders for 50 units', () => {
  it('when 500 orders from 50 buyers race for 50 units, then exactly 50 units are sold and the rest refused or rejected', async () => {
    const s = await prepare('R8', { stock: 50, customers: 50, maxPerCustomer: 10 });
    // 10 each: the per-user order limit (10 per 10 s) lets every one through to the gate.
    const attempts = await burst(s.customers, s.product.id, 500);
    const books = await conclude(s, attempts, {
      title: '500 orders from 50 buyers for 50 units',
      injected: '500 simultaneous POST /api/orders (50 buyers, 10 each) for a product with 50 units',
      mustHold: 'exactly 50 sold',
      counters: { 'refused 409 OUT_OF_STOCK': attempts.filter((a) => a.code === 'OUT_OF_STOCK').length },
    });
    expect(books.violations).toEqual([]);
    expect(books.counters['confirmed units']).toBe(50);
  }, 300_000);
});
