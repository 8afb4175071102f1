import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getTask } from '@shop/messaging';
import { createTestUser, waitFor, type TestUser } from '@shop/testing';
import { ORDER_CONFIRMED_QUEUE } from '../src/messaging/order-confirmed.consumer.js';
import { PRODUCT_QUEUE } from '../src/messaging/product.consumer.js';
import { event, guestCart, startCart, type CartHarness } from './harness.js';

let h: CartHarness;
let user: TestUser;

beforeAll(async () => {
  h = await startCart();
  user = await createTestUser();
});
afterAll(async () => {
  await h?.close();
});

const taskDone = (consumer: string, id: string) =>
  waitFor(async () => (await getTask(h.db, consumer, id))?.status === 'complete', { what: `task ${id} complete` });

const product = (productId: string, fields: { price?: number; name?: string; status?: 'ACTIVE' | 'ARCHIVED' } = {}) => ({
  productId,
  sku: `SKU-${productId.slice(0, 8)}`,
  name: fields.name ?? 'Renamed',
  price: fields.price ?? 1000,
  currency: 'EUR',
  status: fields.status ?? ('ACTIVE' as const),
});

describe('product events', () => {
  it('when product.updated.v1 changes the price, then the cart shows the new price and subtotal', async () => {
    const p = await h.product({ name: 'Hoodie', price: 4000 });
    const cartId = await guestCart(h);
    await h.call('POST', '/api/cart/items', { cartId, body: { productId: p, quantity: 2 } });

    const update = event('product.updated.v1', product(p, { name: 'Hoodie (drop)', price: 3500 }));
    await h.bus.publish(update);
    await taskDone(PRODUCT_QUEUE, update.id);

    const res = await h.call('GET', '/api/cart', { cartId });
    expect(res.body.items[0]).toMatchObject({ name: 'Hoodie (drop)', unitPrice: 3500, lineTotal: 7000 });
    expect(res.body.subtotal).toBe(7000);
  });

  it('when an older update arrives after a newer one, then the newer price stays', async () => {
    const p = await h.product({ price: 100 });
    const newer = event('product.updated.v1', product(p, { price: 300 }), { occurredAt: new Date(Date.now() + 2_000) });
    const older = event('product.updated.v1', product(p, { price: 200 }), { occurredAt: new Date(Date.now() + 1_000) });
    await h.bus.publish(newer);
    await taskDone(PRODUCT_QUEUE, newer.id);
    await h.bus.publish(older);
    await taskDone(PRODUCT_QUEUE, older.id);
    const row = await h.db('product_snapshots').where({ id: p }).first();
    expect(row.price).toBe(300);
  });

  it('when product.deleted.v1 arrives, then the line leaves every cart and the product cannot be added', async () => {
    const p = await h.product();
    const keep = await h.product({ price: 50 });
    const cartId = await guestCart(h);
    await h.call('POST', '/api/cart/items', { cartId, body: { productId: p, quantity: 1 } });
    await h.call('POST', '/api/cart/items', { cartId, body: { productId: keep, quantity: 1 } });

    const deleted = event('product.deleted.v1', { productId: p });
    await h.bus.publish(deleted);
    await taskDone(PRODUCT_QUEUE, deleted.id);
    // A late update must not bring it back.
    const late = event('product.updated.v1', product(p), { occurredAt: new Date(Date.now() + 60_000) });
    await h.bus.publish(late);
    await taskDone(PRODUCT_QUEUE, late.id);

    const res = await h.call('GET', '/api/cart', { cartId });
    expect(res.body.items.map((i: { productId: string }) => i.productId)).toEqual([keep]);
    expect(res.body.subtotal).toBe(50);
    const add = await h.call('POST', '/api/cart/items', { cartId, body: { productId: p, quantity: 1 } });
    expect(add.status).toBe(404);
    expect(add.body.error.code).toBe('PRODUCT_NOT_FOUND');
    expect(await h.db('cart_items').where({ product_id: p }).first()).toBeUndefined();
  });

  it('when a product event is malformed, then it is dead-lettered and nothing changes', async () => {
    const before = await h.db('product_snapshots').count<{ n: number }[]>({ n: '*' });
    const bad = { ...event('product.deleted.v1', { productId: randomUUID() }), data: { productId: 'not-a-uuid' } };
    await h.bus.publish(bad);
    await waitFor(async () => (await getTask(h.db, PRODUCT_QUEUE, bad.id))?.status === 'failed', { what: 'task failed' });
    const after = await h.db('product_snapshots').count<{ n: number }[]>({ n: '*' });
    expect(after[0].n).toBe(before[0].n);
  });
});

describe('order.confirmed.v1', () => {
  it('when an order is confirmed (twice), then the ordered items leave the user\'s cart exactly once', async () => {
    const a = await h.product({ price: 1000 });
    const b = await h.product({ price: 2000 });
    await h.call('POST', '/api/cart/items', { token: user.accessToken, body: { productId: a, quantity: 2 } });
    await h.call('POST', '/api/cart/items', { token: user.accessToken, body: { productId: b, quantity: 1 } });

    const confirmed = event('order.confirmed.v1', {
      orderId: randomUUID(),
      userId: user.id,
      email: user.email,
      items: [
        { productId: a, name: 'A', quantity: 2, unitPrice: 1000 },
        { productId: b, name: 'B', quantity: 1, unitPrice: 2000 },
      ],
      total: 4000,
      currency: 'EUR',
    });
    await h.bus.publish(confirmed);
    await taskDone(ORDER_CONFIRMED_QUEUE, confirmed.id);
    const cleared = await h.call('GET', '/api/cart', { token: user.accessToken });
    expect(cleared.body).toMatchObject({ items: [], subtotal: 0, itemCount: 0 });

    // The user shops on; a redelivery of the same event must not take this away.
    await h.call('POST', '/api/cart/items', { token: user.accessToken, body: { productId: a, quantity: 2 } });
    await h.bus.publish(confirmed);
    const marker = event('order.confirmed.v1', { ...confirmed.data, orderId: randomUUID(), userId: randomUUID() });
    await h.bus.publish(marker);
    await taskDone(ORDER_CONFIRMED_QUEUE, marker.id);
    const after = await h.call('GET', '/api/cart', { token: user.accessToken });
    expect(after.body.items).toEqual([expect.objectContaining({ productId: a, quantity: 2 })]);
  });

  it('when the confirmed order was for a user without a cart, then the event completes and nothing happens', async () => {
    const confirmed = event('order.confirmed.v1', {
      orderId: randomUUID(),
      userId: randomUUID(),
      items: [{ productId: randomUUID(), name: 'X', quantity: 1, unitPrice: 1 }],
      total: 1,
      currency: 'EUR',
    });
    await h.bus.publish(confirmed);
    await taskDone(ORDER_CONFIRMED_QUEUE, confirmed.id);
  });
});
