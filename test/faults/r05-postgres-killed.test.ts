/** R5: Postgres killed with kill -9 mid-load, restarted. Fast 503s while it is down, nothing acknowledged lost. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { adminToken, newCustomers, newProduct } from '../e2e/api.js';
import { baseline, checkBooks } from './books.js';
import { retryUnanswered, startOrderLoad } from './load.js';
import { heal, killPostgres, sleep } from './platform.js';
import { record } from './report.js';

describe('R5: Postgres killed mid-load', () => {
  afterAll(heal, 300_000); // never leave the platform without its database

  it('when Postgres is killed under load and restarted, then 503s are fast while it is down and nothing acknowledged is lost', async () => {
    const started = Date.now();
    const admin = await adminToken();
    const product = await newProduct(admin, { stock: 1000, maxPerCustomer: 200 });
    const customers = await newCustomers(12, 'r5');
    const before = await baseline();

    const load = startOrderLoad({ customers, productId: product.id, ratePerSec: 8, maxRequests: 500, maxMs: 90_000 });
    await sleep(4_000);
    const fault = { from: Date.now(), to: 0 };
    await killPostgres();
    await sleep(8_000);
    await heal();
    fault.to = Date.now();
    await sleep(4_000);
    const attempts = await load.stop();
    await retryUnanswered(customers, attempts);

    const books = await checkBooks({ admin, customers, attempts, product: { id: product.id, stock: 1000 }, before, fault });
    books.counters['seconds Postgres was away'] = Math.round((fault.to - fault.from) / 1000);
    record({
      id: 'R5',
      title: 'Postgres killed mid-load, restarted',
      injected: 'kill -9 of the postmaster under 8 orders/s, 8 s down, restarted with the stack\'s own step',
      mustHold: 'fast 503s while down, nothing acknowledged lost',
      books,
      seconds: Math.round((Date.now() - started) / 1000),
    }, attempts);
    expect(books.violations).toEqual([]);
    expect(attempts.filter((a) => a.status === 503).length).toBeGreaterThan(0); // the fault did bite
  }, 300_000);
});
