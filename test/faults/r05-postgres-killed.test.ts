/** R5: Postgres killed with kill -9 mid-load, restarted. Fast 503s while it is down, nothing acknowledged lost. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { retryUnanswered } from './load.js';
import { heal, killPostgres } from './platform.js';
import { conclude, KILL_PLAN, killedFor8s, prepare, underLoad } from './scenario.js';

describe('R5: Postgres killed mid-load', () => {
  afterAll(heal, 300_000); // never leave the platform without its database

  it('when Postgres is killed under load and restarted, then 503s are fast while it is down and nothing acknowledged is lost', async () => {
    const s = await prepare('R5', { stock: 1000, customers: 12 });
    const { attempts, fault } = await underLoad(s, KILL_PLAN, killedFor8s(killPostgres));
    await retryUnanswered(s.customers, attempts);

    const books = await conclude(s, attempts, {
      title: 'Postgres killed mid-load, restarted',
      injected: 'kill -9 of the postmaster under 8 orders/s; restarted 8 s later with the stack\'s own step',
      mustHold: 'fast 503s while down, nothing acknowledged lost',
      fault,
    });
    expect(books.violations).toEqual([]);
    expect(attempts.filter((a) => a.status === 503).length).toBeGreaterThan(0); // the fault did bite
  }, 300_000);
});
