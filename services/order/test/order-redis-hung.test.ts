import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { breakerFor } from '@shop/cache';
import { createTestUser, hungLink, testEnv, waitFor, type HungLink, type TestUser } from '@shop/testing';
import { api, gateUnits, seedProduct, startOrderService, type Running } from './support.js';

/**
 * Fault R10 in one process: the service's Redis link goes silent (connections open, nothing
 * answered). Every caller on the order path that can do without Redis (deny-list, rate limit,
 * sale gate) shares the client's breaker, so one request waits its deadline and the rest go on
 * without Redis at once; Postgres still decides the order.
 */
describe('when the order service\'s Redis hangs', () => {
  let link: HungLink;
  let run: Running;
  let user: TestUser;

  beforeAll(async () => {
    const url = new URL(testEnv('order').REDIS_URL);
    link = await hungLink({ host: url.hostname, port: Number(url.port || 6379) });
    run = await startOrderService({ REDIS_URL: `redis://127.0.0.1:${link.port}${url.pathname}` });
    user = await createTestUser();
  });
  afterAll(async () => {
    link.set('off');
    await run?.close();
    await link.close();
  });

  it('then orders are still taken (202), only the first waits for the breaker\'s deadline, and the gate is used again once Redis answers', async () => {
    const productId = await seedProduct(run.service, { units: 100 });
    const place = () => api(run.url, user.accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 1 }] }, { 'Idempotency-Key': randomUUID() });
    expect((await place()).status).toBe(202);
    expect(await gateUnits(run.service, productId)).toBe(99);

    link.set('hold');
    const answers: Array<[number, number]> = [];
    for (let i = 0; i < 6; i++) {
      const started = Date.now();
      const res = await place();
      answers.push([res.status, Date.now() - started]);
    }
    expect(answers.map(([status]) => status)).toEqual([202, 202, 202, 202, 202, 202]);
    // Each caller used to wait out the client's 1 s command timeout (deny-list, pre-check, marker,
    // take: 3-4 s an order); now the first waits 150 ms once and the rest not at all.
    expect(answers[0][1]).toBeLessThan(1_000);
    expect(Math.max(...answers.slice(1).map(([, ms]) => ms))).toBeLessThan(400);

    link.set('off');
    await waitFor(async () => !breakerFor(run.service.redis).open, { timeoutMs: 10_000, what: 'the breaker to close' });
    expect((await place()).status).toBe(202);
    // The six placed while Redis hung bypassed the gate (inventory's conditional update decides).
    expect(await gateUnits(run.service, productId)).toBe(98);
  }, 60_000);

  it('then a drop\'s queue, which needs Redis\' answer, is a 503 with Retry-After: the first poll after the 1 s command timeout, the rest at once, and polls answer again once Redis does', async () => {
    const admin = await createTestUser({ roles: ['admin'] });
    const productId = await seedProduct(run.service, { units: 10, cap: 1 });
    const created = await api(run.url, admin.accessToken)('POST', '/api/drops', { productId, opensAt: new Date(Date.now() + 60_000).toISOString(), admitPerSecond: 10, holdSeconds: 30 });
    expect(created.status).toBe(201);
    const dropId = created.body.id as string;
    const poll = () => api(run.url, user.accessToken)('POST', `/api/drops/${dropId}/queue`);
    expect((await poll()).status).toBe(200);

    link.set('hold');
    const answers: Array<[number, string | null, number]> = [];
    for (let i = 0; i < 6; i++) {
      const started = Date.now();
      const res = await poll();
      answers.push([res.status, res.headers.get('retry-after'), Date.now() - started]);
    }
    expect(answers.map(([status, retryAfter]) => [status, retryAfter])).toEqual(Array.from({ length: 6 }, () => [503, '1']));
    // It used to be every poll a 1 s command timeout; now the first, then none.
    expect(answers[0][2]).toBeLessThan(1_500);
    expect(Math.max(...answers.slice(1).map(([, , ms]) => ms))).toBeLessThan(100);

    link.set('off');
    await waitFor(async () => !breakerFor(run.service.redis).open, { timeoutMs: 10_000, what: 'the breaker to close' });
    expect((await poll()).status).toBe(200);
  }, 60_000);
});
