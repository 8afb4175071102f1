import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, openApiChecker, type TestUser } from '@shop/testing';
import { cartDocument } from '../src/http/cart.routes.js';
import { guestCart, startCart, type CartHarness } from './harness.js';

const check = openApiChecker(cartDocument());
let h: CartHarness;

beforeAll(async () => {
  h = await startCart();
});
afterAll(async () => {
  await h?.close();
});

const lines = (body: { items: Array<{ productId: string; quantity: number }> }) =>
  Object.fromEntries(body.items.map((i) => [i.productId, i.quantity]));

describe('guest carts', () => {
  it('when a guest adds, changes and removes items, then the cart and its subtotal follow', async () => {
    const mug = await h.product({ name: 'Mug', price: 1250 });
    const tee = await h.product({ name: 'Tee', price: 2999 });
    const created = await h.call('POST', '/api/cart');
    expect(created.status).toBe(201);
    check('post', '/api/cart', 201, created.body);
    const cartId = created.body.id;

    const empty = await h.call('GET', '/api/cart', { cartId });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ id: cartId, items: [], subtotal: 0, currency: null, itemCount: 0 });
    check('get', '/api/cart', 200, empty.body);

    await h.call('POST', '/api/cart/items', { cartId, body: { productId: mug, quantity: 2 } });
    const added = await h.call('POST', '/api/cart/items', { cartId, body: { productId: tee, quantity: 1 } });
    expect(added.status).toBe(200);
    check('post', '/api/cart/items', 200, added.body);
    expect(added.body.items).toEqual([
      { productId: mug, name: 'Mug', creator: null, unitPrice: 1250, currency: 'EUR', quantity: 2, lineTotal: 2500 },
      { productId: tee, name: 'Tee', creator: null, unitPrice: 2999, currency: 'EUR', quantity: 1, lineTotal: 2999 },
    ]);
    expect(added.body).toMatchObject({ subtotal: 5499, currency: 'EUR', itemCount: 3 });

    const again = await h.call('POST', '/api/cart/items', { cartId, body: { productId: mug, quantity: 3 } });
    expect(lines(again.body)[mug]).toBe(5);

    const changed = await h.call('PATCH', `/api/cart/items/${tee}`, { cartId, body: { quantity: 4 } });
    expect(changed.status).toBe(200);
    check('patch', '/api/cart/items/{productId}', 200, changed.body);
    expect(changed.body).toMatchObject({ subtotal: 5 * 1250 + 4 * 2999, itemCount: 9 });

    const removed = await h.call('DELETE', `/api/cart/items/${mug}`, { cartId });
    expect(removed.status).toBe(200);
    expect(lines(removed.body)).toEqual({ [tee]: 4 });

    const zeroed = await h.call('PATCH', `/api/cart/items/${tee}`, { cartId, body: { quantity: 0 } });
    expect(zeroed.body).toMatchObject({ items: [], subtotal: 0, itemCount: 0 });
  });

  it('when a line would pass 99, then it is capped at 99', async () => {
    const p = await h.product();
    const cartId = await guestCart(h);
    await h.call('POST', '/api/cart/items', { cartId, body: { productId: p, quantity: 60 } });
    const res = await h.call('POST', '/api/cart/items', { cartId, body: { productId: p, quantity: 60 } });
    expect(res.status).toBe(200);
    expect(lines(res.body)[p]).toBe(99);
  });

  it.each([
    ['0', 0],
    ['100', 100],
    ['-1', -1],
    ['1.5', 1.5],
    ['a string', '2'],
    ['null', null],
  ])('when the quantity to add is %s, then 400 and the cart is unchanged', async (_label, quantity) => {
    const p = await h.product();
    const cartId = await guestCart(h);
    await h.call('POST', '/api/cart/items', { cartId, body: { productId: p, quantity: 1 } });
    const res = await h.call('POST', '/api/cart/items', { cartId, body: { productId: p, quantity } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    check('post', '/api/cart/items', 400, res.body);
    expect(lines((await h.call('GET', '/api/cart', { cartId })).body)).toEqual({ [p]: 1 });
  });

  it.each([
    ['a price', { price: 1 }],
    ['a userId', { userId: randomUUID() }],
    ['a unitPrice', { unitPrice: 0 }],
  ])('when the body carries %s, then 400 and nothing changes', async (_label, extra) => {
    const p = await h.product({ price: 5000 });
    const cartId = await guestCart(h);
    const res = await h.call('POST', '/api/cart/items', { cartId, body: { productId: p, quantity: 1, ...extra } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', requestId: expect.any(String) });
    expect((await h.call('GET', '/api/cart', { cartId })).body.items).toEqual([]);
  });

  it('when a PATCH quantity is 100 or the body is not JSON, then 400 and the line keeps its quantity', async () => {
    const p = await h.product();
    const cartId = await guestCart(h);
    await h.call('POST', '/api/cart/items', { cartId, body: { productId: p, quantity: 3 } });
    expect((await h.call('PATCH', `/api/cart/items/${p}`, { cartId, body: { quantity: 100 } })).status).toBe(400);
    const bad = await h.call('PATCH', `/api/cart/items/${p}`, { cartId, body: '{"quantity":' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_JSON');
    expect(lines((await h.call('GET', '/api/cart', { cartId })).body)).toEqual({ [p]: 3 });
  });

  it('when the product is unknown, deleted or not for sale, then 404 PRODUCT_NOT_FOUND', async () => {
    const cartId = await guestCart(h);
    const draft = await h.product({ status: 'DRAFT' });
    for (const productId of [randomUUID(), draft]) {
      const res = await h.call('POST', '/api/cart/items', { cartId, body: { productId, quantity: 1 } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('PRODUCT_NOT_FOUND');
    }
  });

  it('when a product in another currency is added, then 409 CURRENCY_MISMATCH', async () => {
    const eur = await h.product({ currency: 'EUR' });
    const usd = await h.product({ currency: 'USD' });
    const cartId = await guestCart(h);
    await h.call('POST', '/api/cart/items', { cartId, body: { productId: eur, quantity: 1 } });
    const res = await h.call('POST', '/api/cart/items', { cartId, body: { productId: usd, quantity: 1 } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CURRENCY_MISMATCH');
  });

  it('when PATCH targets a product not in the cart, then 404 ITEM_NOT_FOUND and no line appears', async () => {
    const p = await h.product();
    const cartId = await guestCart(h);
    const res = await h.call('PATCH', `/api/cart/items/${p}`, { cartId, body: { quantity: 2 } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('ITEM_NOT_FOUND');
    expect((await h.call('GET', '/api/cart', { cartId })).body.items).toEqual([]);
  });

  it.each([
    ['missing', undefined],
    ['unknown', randomUUID()],
    ['not a uuid', 'nope'],
  ])('when X-Cart-Id is %s and there is no token, then 404 CART_NOT_FOUND', async (_label, cartId) => {
    const p = await h.product();
    for (const res of [
      await h.call('GET', '/api/cart', { cartId }),
      await h.call('POST', '/api/cart/items', { cartId, body: { productId: p, quantity: 1 } }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('CART_NOT_FOUND');
      check('get', '/api/cart', 404, res.body);
    }
  });

  it('when a guest cart has not been used for longer than its TTL, then it is gone', async () => {
    const cartId = await guestCart(h);
    await h.db('carts').where({ id: cartId }).update({ updated_at: new Date(Date.now() - 8 * 86_400_000) });
    const res = await h.call('GET', '/api/cart', { cartId });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CART_NOT_FOUND');
  });

  it('when POST /api/cart carries a body, then 400 and no cart is made', async () => {
    const before = await h.db('carts').count<{ n: number }[]>({ n: '*' });
    const res = await h.call('POST', '/api/cart', { body: { userId: randomUUID() } });
    expect(res.status).toBe(400);
    const after = await h.db('carts').count<{ n: number }[]>({ n: '*' });
    expect(after[0].n).toBe(before[0].n);
  });
});

describe('user carts', () => {
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
  });

  it('when a signed-in user adds items, then they land in their own cart, the same on every request', async () => {
    const p = await h.product({ price: 700 });
    const first = await h.call('GET', '/api/cart', { token: alice.accessToken });
    expect(first.status).toBe(200);
    await h.call('POST', '/api/cart/items', { token: alice.accessToken, body: { productId: p, quantity: 2 } });
    const res = await h.call('GET', '/api/cart', { token: alice.accessToken });
    expect(res.body.id).toBe(first.body.id);
    expect(lines(res.body)[p]).toBe(2);
  });

  it('when user A sends user B\'s cart id, then A never sees or changes B\'s cart', async () => {
    const p = await h.product();
    const bobs = await h.call('POST', '/api/cart/items', { token: bob.accessToken, body: { productId: p, quantity: 5 } });
    const bobCartId = bobs.body.id;

    // Without a token, a user's cart id is as unknown as a made-up one.
    const anon = await h.call('GET', '/api/cart', { cartId: bobCartId });
    expect(anon.status).toBe(404);
    const anonWrite = await h.call('PATCH', `/api/cart/items/${p}`, { cartId: bobCartId, body: { quantity: 1 } });
    expect(anonWrite.status).toBe(404);
    // With A's token, A gets A's own cart.
    const mine = await h.call('GET', '/api/cart', { token: alice.accessToken, cartId: bobCartId });
    expect(mine.status).toBe(200);
    expect(mine.body.id).not.toBe(bobCartId);
    await h.call('DELETE', `/api/cart/items/${p}`, { token: alice.accessToken, cartId: bobCartId });

    expect(lines((await h.call('GET', '/api/cart', { token: bob.accessToken })).body)[p]).toBe(5);
  });

  it('when a user merges a guest cart, then quantities add up (capped at 99) and the guest cart is gone', async () => {
    const user = await createTestUser();
    const [a, b, c] = [await h.product(), await h.product(), await h.product()];
    await h.call('POST', '/api/cart/items', { token: user.accessToken, body: { productId: a, quantity: 2 } });
    await h.call('POST', '/api/cart/items', { token: user.accessToken, body: { productId: c, quantity: 90 } });
    const guestId = await guestCart(h);
    await h.call('POST', '/api/cart/items', { cartId: guestId, body: { productId: a, quantity: 3 } });
    await h.call('POST', '/api/cart/items', { cartId: guestId, body: { productId: b, quantity: 1 } });
    await h.call('POST', '/api/cart/items', { cartId: guestId, body: { productId: c, quantity: 20 } });

    const merged = await h.call('POST', '/api/cart/merge', { token: user.accessToken, body: { guestCartId: guestId } });
    expect(merged.status).toBe(200);
    check('post', '/api/cart/merge', 200, merged.body);
    expect(lines(merged.body)).toEqual({ [a]: 5, [b]: 1, [c]: 99 });
    expect((await h.call('GET', '/api/cart', { cartId: guestId })).status).toBe(404);
    const twice = await h.call('POST', '/api/cart/merge', { token: user.accessToken, body: { guestCartId: guestId } });
    expect(twice.status).toBe(404);
  });

  it('when a user tries to merge another user\'s cart, then 404 and both carts stay as they were', async () => {
    const p = await h.product();
    const victim = await h.call('POST', '/api/cart/items', { token: bob.accessToken, body: { productId: p, quantity: 1 } });
    const res = await h.call('POST', '/api/cart/merge', { token: alice.accessToken, body: { guestCartId: victim.body.id } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CART_NOT_FOUND');
    expect(lines((await h.call('GET', '/api/cart', { token: bob.accessToken })).body)[p]).toBeGreaterThanOrEqual(1);
    expect(lines((await h.call('GET', '/api/cart', { token: alice.accessToken })).body)[p]).toBeUndefined();
  });

  it('when merge is called without a token or with a bad body, then 401 or 400', async () => {
    const guestId = await guestCart(h);
    const anon = await h.call('POST', '/api/cart/merge', { body: { guestCartId: guestId } });
    expect(anon.status).toBe(401);
    const bad = await h.call('POST', '/api/cart/merge', { token: alice.accessToken, body: { guestCartId: guestId, userId: bob.id } });
    expect(bad.status).toBe(400);
    expect((await h.call('GET', '/api/cart', { cartId: guestId })).status).toBe(200);
  });

  it('when the token is invalid, then 401 even with a valid guest cart', async () => {
    const guestId = await guestCart(h);
    const res = await h.call('GET', '/api/cart', { token: 'a.b.c', cartId: guestId });
    expect(res.status).toBe(401);
  });

  it('when a non-admin asks for the task list, then 403; an admin gets {items, nextCursor}', async () => {
    expect((await h.call('GET', '/api/cart/admin/tasks', { token: alice.accessToken })).status).toBe(403);
    const admin = await createTestUser({ roles: ['admin'] });
    const res = await h.call('GET', '/api/cart/admin/tasks?limit=5', { token: admin.accessToken });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: expect.any(Array), nextCursor: expect.anything() });
  });
});

describe('edges', () => {
  it('when a user writes faster than the budget, then 429 RATE_LIMITED with Retry-After', async () => {
    const limited = await startCart({ CART_WRITES_PER_MINUTE: '3' });
    try {
      const user = await createTestUser();
      const p = await limited.product();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await limited.call('POST', '/api/cart/items', { token: user.accessToken, body: { productId: p, quantity: 1 } })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      const res = await limited.call('POST', '/api/cart/items', { token: user.accessToken, body: { productId: p, quantity: 1 } });
      expect(res.body.error.code).toBe('RATE_LIMITED');
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      // Reads are not budgeted.
      expect((await limited.call('GET', '/api/cart', { token: user.accessToken })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('when the OpenAPI document is asked for, then it is served and names every route', async () => {
    const res = await h.call('GET', '/api/cart/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/cart', '/api/cart/items', '/api/cart/items/{productId}', '/api/cart/merge']),
    );
  });

  it('when everything is up, then /health/ready is 200', async () => {
    const res = await h.call('GET', '/health/ready');
    expect(res.body.checks).toEqual({ db: 'ok', redis: 'ok', broker: 'ok', keycloak: 'ok' });
    expect(res.status).toBe(200);
  });
});
