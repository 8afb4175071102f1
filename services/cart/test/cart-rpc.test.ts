import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppError } from '@shop/errors';
import { checkHealth, rpcClient, type RpcClient } from '@shop/rpc';
import { createTestUser, type TestUser } from '@shop/testing';
import { startCart, type CartHarness } from './harness.js';

/** shop.cart.v1.Carts/GetCart on the service's real gRPC server, with real Keycloak tokens. */
let h: CartHarness;
let carts: RpcClient<'cart'>;
let alice: TestUser;
let bob: TestUser;
const failureOf = (p: Promise<unknown>) => p.then(() => undefined, (err: unknown) => err as AppError);

beforeAll(async () => {
  h = await startCart();
  carts = rpcClient('cart', { target: h.grpcAddress, deadlineMs: 5_000, what: 'The cart service' });
  [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
});
afterAll(async () => {
  carts?.close();
  await h?.close();
});

describe('GetCart over gRPC', () => {
  it('when a user has put items in their cart over REST, then GetCart with their token gives the same lines', async () => {
    const mug = await h.product({ name: 'Mug', price: 1250 });
    const tee = await h.product({ name: 'Tee', price: 2999 });
    await h.call('POST', '/api/cart/items', { token: alice.accessToken, body: { productId: mug, quantity: 2 } });
    const rest = await h.call('POST', '/api/cart/items', { token: alice.accessToken, body: { productId: tee, quantity: 1 } });
    const cart = await carts.call('GetCart', {}, { authorization: `Bearer ${alice.accessToken}` });
    expect(cart).toEqual({ id: rest.body.id, items: [{ productId: mug, quantity: 2 }, { productId: tee, quantity: 1 }] });
  });

  it('when another user asks with their own token, then they get their own cart, never the first user\'s', async () => {
    const mine = await carts.call('GetCart', {}, { authorization: `Bearer ${alice.accessToken}` });
    const theirs = await carts.call('GetCart', {}, { authorization: `Bearer ${bob.accessToken}` });
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.items).toEqual([]);
  });

  it('when a product in the cart is withdrawn, then GetCart leaves its line out, as GET /api/cart does', async () => {
    const user = await createTestUser();
    const gone = await h.product({ name: 'Gone' });
    await h.call('POST', '/api/cart/items', { token: user.accessToken, body: { productId: gone, quantity: 1 } });
    await h.db('product_snapshots').where({ id: gone }).update({ deleted_at: new Date() });
    expect((await carts.call('GetCart', {}, { authorization: `Bearer ${user.accessToken}` })).items).toEqual([]);
    expect((await h.call('GET', '/api/cart', { token: user.accessToken })).body.items).toEqual([]);
  });

  it.each([
    ['no token', undefined],
    ['a malformed header', 'Token abc'],
    ['a forged token', 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
  ])('when the call carries %s, then it is refused 401 UNAUTHENTICATED and no cart is made', async (_what, authorization) => {
    const before = Number((await h.db('carts').count({ n: '*' }))[0].n);
    const err = await failureOf(carts.call('GetCart', {}, { authorization }));
    expect(err).toBeInstanceOf(AppError);
    expect({ code: err?.code, status: err?.status }).toEqual({ code: 'UNAUTHENTICATED', status: 401 });
    expect(Number((await h.db('carts').count({ n: '*' }))[0].n)).toBe(before);
  });

  it('when the server is asked for its health, then it and shop.cart.v1.Carts are SERVING', async () => {
    expect(await checkHealth(h.grpcAddress)).toBe('SERVING');
    expect(await checkHealth(h.grpcAddress, 'shop.cart.v1.Carts')).toBe('SERVING');
  });
});
