/** R13: every service reloaded by pm2 (`npm run pm2 -- reload ecosystem.config.cjs`, scripts/pm2.sh) under load: 0 failed requests at the edge. */
import { describe, expect, it } from '@jest/globals';
import { startOrderLoad, startReadLoad, statusCounts } from './load.js';
import { join } from 'node:path';
import { allReady, platformRoot, pm2Async, pm2Apps, sleep } from './platform.js';
import { conclude, prepare } from './scenario.js';

describe('R13: rolling restart under load', () => {
  it('when every replica of every service is reloaded by pm2 under load, then no request fails at the edge', async () => {
    // One app at a time, a reload took 149-176 s here (10-23 s a replica on a busy machine): the
    // load lasts up to 420 s so it covers a slow one to the end, and the stock outlasts the load
    // (6/s for 420 s), so every order can be a 202.
    const s = await prepare('R13', { stock: 3000, customers: 12 });
    const paths = ['/api/products?limit=5', `/api/products/${s.product.id}`, `/api/inventory/${s.product.id}`, '/api/categories'];
    const orders = startOrderLoad({ customers: s.customers, productId: s.product.id, ratePerSec: 6, maxRequests: 2600, maxMs: 420_000 });
    const reads = startReadLoad({ path: (n) => paths[n % paths.length], ratePerSec: 20, maxRequests: 8500, maxMs: 420_000 });
    await sleep(3_000);
    const fault = { from: Date.now(), to: 0 };
    const names = pm2Apps().map((a) => a.name);
    const pids = new Map(pm2Apps().map((a) => [a.name, a.pid]));
    // Through scripts/pm2.sh (pm2Async): one app at a time, and wait_ready, keep a service's twins
    // from restarting together in whatever order pm2's ids put them (R9 reorders the order replicas).
    await pm2Async(['reload', join(platformRoot(), 'ecosystem.config.cjs')]);
    await allReady();
    fault.to = Date.now();
    await sleep(3_000);
    const attempts = await orders.stop();
    const got = await reads.stop();
    const restarted = pm2Apps().filter((a) => a.pid !== pids.get(a.name)).length;

    const failedReads = got.filter((r) => r.status === 0 || r.status >= 500);
    const readStatuses = Object.entries(statusCounts(got)).map(([k, v]) => `${k}: ${v}`).join(', ');
    // No fault window: a rolling restart must cost no 5xx at all, not even a 503.
    const books = await conclude(s, attempts, {
      violations: failedReads.length ? [`${failedReads.length} reads failed`] : [],
      title: 'rolling restart of every service under load (pm2 reload)',
      injected: `npm run pm2 -- reload ecosystem.config.cjs (scripts/pm2.sh: one app at a time; all ${names.length} replicas, order-1 and order-2 in whatever pm2 ids R9 left) under 6 orders/s and 20 reads/s`,
      mustHold: '0 failed requests at the edge',
      counters: { 'replicas restarted': restarted, reads: got.length, 'read statuses': readStatuses, 'failed reads': failedReads.length, 'seconds the reload took': Math.round((fault.to - fault.from) / 1000) },
    });
    expect(restarted).toBe(names.length);
    expect(books.violations).toEqual([]);
    expect(failedReads).toEqual([]);
  }, 600_000);
});
