import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, waitFor, type TestUser } from '@shop/testing';
import { api, EventPublisher, seedProduct, startOrderService, waitForStatus, type Running } from './support.js';

let run: Running;
let events: EventPublisher;
let alice: TestUser;

beforeAll(async () => {
  run = await startOrderService();
  await Promise.all(run.service.subscriptions.map((s) => s.waitUntilActive()));
  events = new EventPublisher();
  alice = await createTestUser();
});

afterAll(async () => {
  await events?.close();
  await run?.close();
});

/** The value of one series on this replica's /metrics (0 when absent). */
async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${run.url}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .filter((l) => want.every((w) => l.includes(w)))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

describe('the order metrics on /metrics', () => {
  it('when an order is placed and its card declined, then placed, reserved and rejected{CARD_DECLINED} are counted once each, with the charge timed', async () => {
    const productId = await seedProduct(run.service, { units: 5 });
    const res = await api(run.url, alice.accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 1 }], paymentToken: 'tok_declined' }, { 'Idempotency-Key': randomUUID() });
    expect(res.status).toBe(202);
    await waitFor(async () => (await metric('shop_orders_total', { outcome: 'placed' })) === 1, { what: 'placed counted' });
    expect(await metric('shop_orders_pending')).toBeGreaterThanOrEqual(1);
    await events.publish('inventory.reserved.v1', { orderId: res.body.id, items: [{ productId, quantity: 1 }], expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await waitForStatus(run, alice.accessToken, res.body.id, 'REJECTED');
    await waitFor(async () => (await metric('shop_orders_total', { outcome: 'rejected', reason: 'CARD_DECLINED' })) === 1, { what: 'rejected counted' });
    expect(await metric('shop_orders_total', { outcome: 'reserved' })).toBe(1);
    expect(await metric('shop_orders_total', { outcome: 'confirmed' })).toBe(0);
    expect(await metric('shop_payment_duration_seconds_count', { outcome: 'declined', reason: 'CARD_DECLINED' })).toBe(1);
  });

  it('when an order is reserved and its charge waits for the buyer, then it stays RESERVED and shop_orders_reserved counts it with its age', async () => {
    const productId = await seedProduct(run.service, { units: 5 });
    // tok_pending: the card asks for an authentication the buyer never completes; the order waits RESERVED until its hold ends.
    const res = await api(run.url, alice.accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 1 }], paymentToken: 'tok_pending' }, { 'Idempotency-Key': randomUUID() });
    expect(res.status).toBe(202);
    await events.publish('inventory.reserved.v1', { orderId: res.body.id, items: [{ productId, quantity: 1 }], expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await waitForStatus(run, alice.accessToken, res.body.id, 'RESERVED');
    await waitFor(async () => (await metric('shop_orders_reserved')) >= 1, { what: 'reserved counted' });
    await waitFor(async () => (await metric('shop_orders_reserved_oldest_age_seconds')) > 0, { what: 'the oldest reserved order aged' });
  });

  it('when the sale gate refuses an order, then it is counted as OUT_OF_STOCK under POST /api/orders and no order is counted', async () => {
    const placed = await metric('shop_orders_total', { outcome: 'placed' });
    const productId = await seedProduct(run.service, { units: 1 });
    const res = await api(run.url, alice.accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 2 }], paymentToken: 'tok_visa' }, { 'Idempotency-Key': randomUUID() });
    expect(res.status).toBe(409);
    expect(await metric('http_request_errors_total', { route: '/api/orders', method: 'POST', code: 'OUT_OF_STOCK' })).toBe(1);
    expect(await metric('shop_orders_total', { outcome: 'placed' })).toBe(placed);
  });
});
