import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, openApiChecker, type TestUser } from '@shop/testing';
import { orderDocument } from '../src/http/api.js';
import { gateKey } from '../src/gate/redis-sale-gate.js';
import { simpleLines } from '../src/http/sold-out-lane.js';
import { api, gateUnits, seedProduct, sleep, startOrderService, type Running } from './support.js';

// Two replicas of the service on one Redis and one database, with flags that would last a minute:
// anything that reopens sales sooner than that came from the restock signal, not from the TTL.
const check = openApiChecker(orderDocument());
let one: Running;
let two: Running;
let buyer: TestUser;

beforeAll(async () => {
  one = await startOrderService({ SOLD_OUT_FLAG_MS: '60000' });
  two = await startOrderService({ SOLD_OUT_FLAG_MS: '60000' });
  buyer = await createTestUser();
});

afterAll(async () => {
  await one?.close();
  await two?.close();
});

const order = (run: Running, user: TestUser, productId: string, key = randomUUID()) =>
  api(run.url, user.accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 1 }] }, { 'Idempotency-Key': key });
const keysOf = async (userId: string) => Number((await one.service.db('idempotency_keys').where('user_id', userId).count({ n: '*' }))[0].n);
const ordersOf = async (userId: string) => Number((await one.service.db('orders').where('user_id', userId).count({ n: '*' }))[0].n);

/** Orders until one is accepted or `ms` pass; how long it took, or undefined. */
async function acceptedWithin(run: Running, user: TestUser, productId: string, ms: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if ((await order(run, user, productId)).status === 202) return Date.now() - started;
    await sleep(20);
  }
  return undefined;
}

describe('the sold-out answer from memory', () => {
  it('when the gate said sold out, then the next order is 409 OUT_OF_STOCK from the flag alone, with the documented error shape, and writes nothing', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(one.service, { units: 0 });
    expect((await order(one, user, productId)).status).toBe(409); // the gate says so, and the flag goes up
    // Units written behind the gate's back (no restock signal): only the flag can still say "sold out".
    await one.service.redis.set(gateKey(productId), '5');
    const res = await order(one, user, productId);
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'OUT_OF_STOCK', message: 'Sold out', requestId: expect.any(String), details: { productId } });
    expect(res.headers.get('x-request-id')).toBe(res.body.error.requestId);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    check('post', '/api/orders', 409, res.body);
    expect(await gateUnits(one.service, productId)).toBe(5);
    expect([await keysOf(user.id), await ordersOf(user.id)]).toEqual([0, 0]);
  });

  it('when a key made an order before the sell-out, then its retry still replays the order although the flag is up', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(one.service, { units: 1 });
    const key = randomUUID();
    const first = await order(one, user, productId, key);
    expect(first.status).toBe(202);
    expect((await order(one, buyer, productId)).status).toBe(409);
    const again = await order(one, user, productId, key);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it('when the body is not one the fast check knows, then the full path answers it as before', async () => {
    const productId = await seedProduct(one.service, { units: 0 });
    expect((await order(one, buyer, productId)).status).toBe(409);
    const call = api(one.url, buyer.accessToken);
    const extra = await call('POST', '/api/orders', { items: [{ productId, quantity: 1 }], total: 1 }, { 'Idempotency-Key': randomUUID() });
    expect([extra.status, extra.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const broken = await fetch(`${one.url}/api/orders`, { method: 'POST', headers: { authorization: `Bearer ${buyer.accessToken}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: '{"items":' });
    expect([broken.status, ((await broken.json()) as { error: { code: string } }).error.code]).toEqual([400, 'INVALID_JSON']);
    const noKey = await call('POST', '/api/orders', { items: [{ productId, quantity: 1 }] });
    expect([noKey.status, noKey.body.error.code]).toEqual([400, 'IDEMPOTENCY_KEY_MISSING']);
    const badToken = await api(one.url, 'not-a-token')('POST', '/api/orders', { items: [{ productId, quantity: 1 }] }, { 'Idempotency-Key': randomUUID() });
    expect(badToken.status).toBe(401);
  });

  it('when a cancelled order gives its unit back, then both replicas sell it again at once, long before the flags would expire', async () => {
    const [holder, late] = [await createTestUser(), await createTestUser()];
    const productId = await seedProduct(one.service, { units: 1 });
    const held = await order(one, holder, productId);
    expect(held.status).toBe(202);
    // Both replicas hear "sold out" from the gate and raise their flags.
    expect((await order(one, late, productId)).body.error.code).toBe('OUT_OF_STOCK');
    expect((await order(two, late, productId)).body.error.code).toBe('OUT_OF_STOCK');
    const cancelled = await api(one.url, holder.accessToken)('POST', `/api/orders/${held.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    // Replica two heard of the restock over Redis: its flag is down and it sells the unit.
    const took = await acceptedWithin(two, late, productId, 2_000);
    expect(took).toBeDefined();
    expect(took!).toBeLessThan(2_000);
    expect(await gateUnits(one.service, productId)).toBe(0);
  });

  it('when the reconciler puts units back, then the flag goes down on every replica', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(one.service, { units: 0 });
    expect((await order(two, user, productId)).status).toBe(409);
    await one.service.saleGate.reset(productId, 2); // what reconcileGate does when inventory has more
    expect(await acceptedWithin(two, user, productId, 2_000)).toBeDefined();
  });
});

describe('simpleLines: the lane\'s body check', () => {
  const id = randomUUID();
  it('when the body is what PlaceOrderSchema takes in its simplest form, then it gives the lines', () => {
    expect(simpleLines({ items: [{ productId: id, quantity: 2 }] })).toEqual([{ productId: id, quantity: 2 }]);
    expect(simpleLines({ items: [{ productId: id, quantity: 1 }], paymentToken: 'tok_declined' })).toHaveLength(1);
  });

  it('when anything is off or unusual, then it leaves the body to the schema', () => {
    for (const body of [
      null,
      [],
      {},
      { items: [] },
      { items: [{ productId: id, quantity: 0 }] },
      { items: [{ productId: id, quantity: 11 }] },
      { items: [{ productId: id, quantity: 1.5 }] },
      { items: [{ productId: id, quantity: '1' }] },
      { items: [{ productId: 'nope', quantity: 1 }] },
      { items: [{ productId: id, quantity: 1, price: 1 }] },
      { items: [{ productId: id, quantity: 1 }, { productId: id, quantity: 1 }] },
      { items: [{ productId: id, quantity: 1 }], paymentToken: 'tok_free' },
      { items: [{ productId: id, quantity: 1 }], shippingAddress: {} },
      { items: [{ productId: id, quantity: 1 }], total: 0 },
    ]) {
      expect(simpleLines(body)).toBeUndefined();
    }
  });
});
