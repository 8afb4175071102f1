import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, openApiChecker, type TestUser } from '@shop/testing';
import { orderDocument } from '../src/http/api.js';
import { gateKey, idempotencyMarkerKey } from '../src/gate/redis-sale-gate.js';
import { Peers } from './peers.js';
import { api, gateUnits, seedProduct, startOrderService, type Running } from './support.js';

const check = openApiChecker(orderDocument());
let run: Running;
let peers: Peers;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  peers = new Peers();
  await peers.start();
  run = await startOrderService({ INVENTORY_GRPC_TARGET: peers.inventory!.grpcAddress, CART_GRPC_TARGET: peers.cart!.grpcAddress });
  [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
});

afterAll(async () => {
  await run?.close();
  await peers?.close();
});

const ordersOf = async (userId: string) => Number((await run.service.db('orders').where('user_id', userId).count({ n: '*' }))[0].n);

describe('POST /api/orders: input and idempotency', () => {
  it('when the Idempotency-Key header is missing, then 400 IDEMPOTENCY_KEY_MISSING and no order', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(run.service, { units: 5 });
    const res = await api(run.url, user.accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 1 }] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_MISSING');
    check('post', '/api/orders', 400, res.body);
    expect(await ordersOf(user.id)).toBe(0);
    expect(await gateUnits(run.service, productId)).toBe(5);
  });

  it.each([['status', 'CONFIRMED'], ['total', 1], ['price', 1], ['userId', randomUUID()]])(
    'when the body carries %s, then 400 and nothing is created',
    async (field, value) => {
      const user = await createTestUser();
      const productId = await seedProduct(run.service, { units: 5 });
      const res = await api(run.url, user.accessToken)(
        'POST',
        '/api/orders',
        { items: [{ productId, quantity: 1 }], [field]: value },
        { 'Idempotency-Key': randomUUID() },
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(await ordersOf(user.id)).toBe(0);
      expect(await run.service.db('idempotency_keys').where('user_id', user.id).count({ n: '*' })).toEqual([{ n: 0 }]);
    },
  );

  it('when the body is not JSON (text/plain), then 415 UNSUPPORTED_MEDIA_TYPE and nothing is created', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(run.service, { units: 5 });
    const res = await api(run.url, user.accessToken)(
      'POST',
      '/api/orders',
      { items: [{ productId, quantity: 2 }], paymentToken: 'tok_declined' },
      { 'Idempotency-Key': randomUUID(), 'content-type': 'text/plain' },
    );
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    check('post', '/api/orders', 415, res.body);
    expect(await ordersOf(user.id)).toBe(0);
    expect(await run.service.db('idempotency_keys').where('user_id', user.id).count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await gateUnits(run.service, productId)).toBe(5);
  });

  it('when a key that made the last unit\'s order is retried after Redis lost its marker, then the order is replayed, not 409 OUT_OF_STOCK', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(run.service, { units: 1 });
    const key = randomUUID();
    const body = { items: [{ productId, quantity: 1 }] };
    const first = await api(run.url, user.accessToken)('POST', '/api/orders', body, { 'Idempotency-Key': key });
    expect(first.status).toBe(202);
    expect(await gateUnits(run.service, productId)).toBe(0);
    await run.service.redis.del(idempotencyMarkerKey(user.id, key)); // a flush or a failover
    const again = await api(run.url, user.accessToken)('POST', '/api/orders', body, { 'Idempotency-Key': key });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(await ordersOf(user.id)).toBe(1);
  });

  it('when the same key and body arrive three times at once, then exactly one order exists', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(run.service, { units: 50 });
    const call = api(run.url, user.accessToken);
    const key = randomUUID();
    const body = { items: [{ productId, quantity: 2 }] };
    const replies = await Promise.all([1, 2, 3].map(() => call('POST', '/api/orders', body, { 'Idempotency-Key': key })));
    for (const r of replies) expect([202, 409]).toContain(r.status);
    const accepted = replies.filter((r) => r.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted.map((r) => r.body.id)).size).toBe(1);
    for (const r of replies.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
    expect(await ordersOf(user.id)).toBe(1);
    expect(await gateUnits(run.service, productId)).toBe(48);

    const again = await call('POST', '/api/orders', body, { 'Idempotency-Key': key });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(accepted[0].body);
    check('post', '/api/orders', 202, again.body);
    expect(await ordersOf(user.id)).toBe(1);
  });

  it('when a key is reused with another body, then 422 IDEMPOTENCY_KEY_REUSED and no second order', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(run.service, { units: 10 });
    const call = api(run.url, user.accessToken);
    const key = randomUUID();
    expect((await call('POST', '/api/orders', { items: [{ productId, quantity: 1 }] }, { 'Idempotency-Key': key })).status).toBe(202);
    const res = await call('POST', '/api/orders', { items: [{ productId, quantity: 2 }] }, { 'Idempotency-Key': key });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    check('post', '/api/orders', 422, res.body);
    expect(await ordersOf(user.id)).toBe(1);
  });

  it('when an order is accepted, then it is PENDING, priced from the snapshot, with its outbox row', async () => {
    const productId = await seedProduct(run.service, { price: 1250, units: 10 });
    const res = await api(run.url, alice.accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 3 }] }, { 'Idempotency-Key': randomUUID() });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'PENDING', total: 3750, currency: 'EUR', userId: alice.id });
    expect(res.body.items).toEqual([expect.objectContaining({ productId, quantity: 3, unitPrice: 1250, lineTotal: 3750 })]);
    expect(res.body.statusHistory.map((h: { status: string }) => h.status)).toEqual(['PENDING']);
    const outbox = await run.service.db('outbox').where('type', 'order.placed.v1').whereRaw("payload->'data'->>'orderId' = ?", [res.body.id]);
    expect(outbox).toHaveLength(1);
    expect(outbox[0].payload.data).toMatchObject({ userId: alice.id, total: 3750, items: [{ productId, quantity: 3, unitPrice: 1250 }] });
  });

  it('when a product is unknown, then 400 UNKNOWN_PRODUCT and the key can be used again', async () => {
    const key = randomUUID();
    const res = await api(run.url, alice.accessToken)('POST', '/api/orders', { items: [{ productId: randomUUID(), quantity: 1 }] }, { 'Idempotency-Key': key });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('UNKNOWN_PRODUCT');
    expect(await run.service.db('idempotency_keys').where({ user_id: alice.id, key })).toHaveLength(0);
  });

  it('when the body has no items, then they come from the cart, and an empty cart is 400 EMPTY_ORDER', async () => {
    const user = await createTestUser();
    const call = api(run.url, user.accessToken);
    const empty = await call('POST', '/api/orders', {}, { 'Idempotency-Key': randomUUID() });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('EMPTY_ORDER');
    const productId = await seedProduct(run.service, { price: 500, units: 10 });
    await peers.createProduct(productId, { price: 500, initialStock: 10 });
    await peers.addToCart(user.accessToken, productId, 2);
    const res = await call('POST', '/api/orders', {}, { 'Idempotency-Key': randomUUID() });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ total: 1000, items: [expect.objectContaining({ productId, quantity: 2 })] });
  });

  it('when a customer would pass the per-product cap, then 409 PURCHASE_LIMIT_EXCEEDED', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(run.service, { units: 100, cap: 3 });
    const call = api(run.url, user.accessToken);
    const place = (quantity: number) => call('POST', '/api/orders', { items: [{ productId, quantity }] }, { 'Idempotency-Key': randomUUID() });
    // Concurrent attempts for 2 units each: the advisory lock lets only one fit under the cap of 3.
    const replies = await Promise.all([place(2), place(2), place(2)]);
    expect(replies.filter((r) => r.status === 202)).toHaveLength(1);
    for (const r of replies.filter((x) => x.status !== 202)) expect(r.body.error.code).toBe('PURCHASE_LIMIT_EXCEEDED');
    expect(await gateUnits(run.service, productId)).toBe(98);
  });

  it('when a product has maxPerCustomer null, then no cap applies (the contract: null means none)', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(run.service, { units: 100 });
    const call = api(run.url, user.accessToken);
    const place = (quantity: number) => call('POST', '/api/orders', { items: [{ productId, quantity }] }, { 'Idempotency-Key': randomUUID() });
    const first = await place(8);
    const second = await place(8);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(await gateUnits(run.service, productId)).toBe(84);
  });
});

describe('the sale gate', () => {
  it('when 20 single-unit orders race for 5 units, then 5 pass and 15 get 409 OUT_OF_STOCK', async () => {
    const productId = await seedProduct(run.service, { units: 5 });
    const users = [alice, bob];
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api(run.url, users[i % 2].accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 1 }] }, { 'Idempotency-Key': randomUUID() }),
      ),
    );
    const ok = replies.filter((r) => r.status === 202);
    const soldOut = replies.filter((r) => r.status === 409);
    expect(ok).toHaveLength(5);
    expect(soldOut).toHaveLength(15);
    for (const r of soldOut) expect(r.body.error.code).toBe('OUT_OF_STOCK');
    check('post', '/api/orders', 409, soldOut[0].body);
    const lines = await run.service.db('order_lines').where('product_id', productId).count({ n: '*' });
    expect(lines).toEqual([{ n: 5 }]);
    expect(await gateUnits(run.service, productId)).toBe(0);
  });

  it('when a multi-line order finds one line short, then nothing is taken from any line', async () => {
    const a = await seedProduct(run.service, { units: 5 });
    const b = await seedProduct(run.service, { units: 1 });
    const res = await api(run.url, bob.accessToken)(
      'POST',
      '/api/orders',
      { items: [{ productId: a, quantity: 2 }, { productId: b, quantity: 2 }] },
      { 'Idempotency-Key': randomUUID() },
    );
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'OUT_OF_STOCK', details: { productId: b } });
    expect([await gateUnits(run.service, a), await gateUnits(run.service, b)]).toEqual([5, 1]);
  });

  it('when the gate key is lost, then it is rebuilt from inventory on the next order', async () => {
    const productId = await seedProduct(run.service);
    await peers.createProduct(productId, { initialStock: 3 });
    expect(await gateUnits(run.service, productId)).toBeNull();
    const call = api(run.url, bob.accessToken);
    const place = () => call('POST', '/api/orders', { items: [{ productId, quantity: 1 }] }, { 'Idempotency-Key': randomUUID() });
    expect((await place()).status).toBe(202);
    expect(await gateUnits(run.service, productId)).toBe(2);
    await run.service.redis.del(gateKey(productId));
    await peers.setStock(productId, 1);
    expect((await place()).status).toBe(202);
    expect(await gateUnits(run.service, productId)).toBe(0);
    const third = await place();
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('OUT_OF_STOCK');
  });

  it('when inventory cannot say how much there is, then the gate lets the order through to inventory', async () => {
    const productId = await seedProduct(run.service);
    const res = await api(run.url, bob.accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 1 }] }, { 'Idempotency-Key': randomUUID() });
    expect(res.status).toBe(202);
    expect((await run.service.db('orders').where('id', res.body.id).first()).gate_passed).toBe(false);
  });
});

describe('the sold-out fast path', () => {
  const keysOf = async (userId: string) => Number((await run.service.db('idempotency_keys').where('user_id', userId).count({ n: '*' }))[0].n);

  it('when the gate is empty, then 409 OUT_OF_STOCK and no idempotency row is written', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(run.service, { units: 0 });
    const res = await api(run.url, user.accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 1 }] }, { 'Idempotency-Key': randomUUID() });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('OUT_OF_STOCK');
    check('post', '/api/orders', 409, res.body);
    expect(await keysOf(user.id)).toBe(0);
    expect(await ordersOf(user.id)).toBe(0);
    expect(await gateUnits(run.service, productId)).toBe(0);
  });

  it('when one line of several is short, then 409 OUT_OF_STOCK names it and nothing is taken or written', async () => {
    const user = await createTestUser();
    const plenty = await seedProduct(run.service, { units: 9 });
    const scarce = await seedProduct(run.service, { units: 1 });
    const items = [{ productId: plenty, quantity: 1 }, { productId: scarce, quantity: 2 }];
    const res = await api(run.url, user.accessToken)('POST', '/api/orders', { items }, { 'Idempotency-Key': randomUUID() });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('OUT_OF_STOCK');
    expect(await keysOf(user.id)).toBe(0);
    expect([await gateUnits(run.service, plenty), await gateUnits(run.service, scarce)]).toEqual([9, 1]);
  });

  it('when a key made an order before the product sold out, then its retry still replays 202 with the same id', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(run.service, { units: 1 });
    const call = api(run.url, user.accessToken);
    const key = randomUUID();
    const body = { items: [{ productId, quantity: 1 }] };
    const first = await call('POST', '/api/orders', body, { 'Idempotency-Key': key });
    expect(first.status).toBe(202);
    expect(await gateUnits(run.service, productId)).toBe(0);

    const other = await call('POST', '/api/orders', body, { 'Idempotency-Key': randomUUID() });
    expect(other.status).toBe(409);
    const again = await call('POST', '/api/orders', body, { 'Idempotency-Key': key });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(await ordersOf(user.id)).toBe(1);
  });

  it('when a sold-out key is retried after stock comes back, then the retry is judged again and can succeed', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(run.service, { units: 0 });
    const call = api(run.url, user.accessToken);
    const key = randomUUID();
    const body = { items: [{ productId, quantity: 1 }] };
    expect((await call('POST', '/api/orders', body, { 'Idempotency-Key': key })).status).toBe(409);
    await run.service.saleGate.reset(productId, 3); // as the reconciler restocks: the replica's sold-out flag goes down with it
    const retry = await call('POST', '/api/orders', body, { 'Idempotency-Key': key });
    expect(retry.status).toBe(202);
    expect(await gateUnits(run.service, productId)).toBe(2);
  });
});
