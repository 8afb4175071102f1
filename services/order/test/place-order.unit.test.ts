import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { AppError } from '@shop/errors';
import { placeOrder, type PlaceOrderBody } from '../src/domain/place-order.js';
import { requestHash } from '../src/domain/request-hash.js';
import type { Caller, Line, OrderView } from '../src/domain/types.js';
import { placementWorld, type MemoryStore } from './fakes.js';

// The placement rules against in-memory ports: no Postgres, Redis or broker. The component
// tests (order-placement.test.ts) check the same flow against the real servers.

const caller = (): Caller => ({ id: randomUUID(), email: 'buyer@shop.local', name: 'Buyer', roles: ['customer'] });

function product(store: MemoryStore, options: { price?: number; currency?: string; status?: string; cap?: number | null } = {}): string {
  const id = randomUUID();
  store.state.products[id] = {
    id,
    name: `Product ${id.slice(0, 6)}`,
    price: options.price ?? 2999,
    currency: options.currency ?? 'EUR',
    status: options.status ?? 'ACTIVE',
    maxPerCustomer: options.cap ?? null,
    deleted: false,
  };
  return id;
}

const body = (items: Line[] | undefined): PlaceOrderBody => ({ items, paymentToken: 'tok_visa' });

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

function placer(world: ReturnType<typeof placementWorld>, who: Caller) {
  return (b: PlaceOrderBody, key: string = randomUUID()) =>
    placeOrder(world.deps, { caller: who, idempotencyKey: key, body: b, authorization: 'Bearer t', requestId: randomUUID() });
}

describe('placeOrder: idempotency outcomes', () => {
  it('when the same key and body arrive again, then the first reply is replayed and nothing new is created', async () => {
    const world = placementWorld();
    const who = caller();
    const place = placer(world, who);
    const p = product(world.store);
    const first = await place(body([{ productId: p, quantity: 1 }]), 'k1');
    const again = await place(body([{ productId: p, quantity: 1 }]), 'k1');
    expect(first).toMatchObject({ status: 202, replayed: false });
    expect(again).toEqual({ status: 202, body: first.body, replayed: true });
    expect(world.store.ordersOf(who.id)).toHaveLength(1);
    expect(world.store.state.outbox.filter((e) => e.type === 'order.placed.v1')).toHaveLength(1);
  });

  it('when the key was used with another body, then 422 IDEMPOTENCY_KEY_REUSED and no second order', async () => {
    const world = placementWorld();
    const who = caller();
    const place = placer(world, who);
    const p = product(world.store);
    await place(body([{ productId: p, quantity: 1 }]), 'k1');
    const err = await refusal(place(body([{ productId: p, quantity: 2 }]), 'k1'));
    expect([err.code, err.status]).toEqual(['IDEMPOTENCY_KEY_REUSED', 422]);
    expect(world.store.ordersOf(who.id)).toHaveLength(1);
  });

  it('when the first request with the key is still in flight, then 409 IDEMPOTENCY_KEY_IN_FLIGHT with Retry-After', async () => {
    const world = placementWorld();
    const who = caller();
    const p = product(world.store);
    const b = body([{ productId: p, quantity: 1 }]);
    await world.store.idempotency.claim({ userId: who.id, key: 'k1', hash: requestHash(b), staleMs: 1, ttlHours: 1 });
    const err = await refusal(placer(world, who)(b, 'k1'));
    expect([err.code, err.status, err.headers]).toEqual(['IDEMPOTENCY_KEY_IN_FLIGHT', 409, { 'Retry-After': '1' }]);
    expect(world.store.ordersOf(who.id)).toHaveLength(0);
  });

  it('when a request is refused, then its key is freed and a retry with it runs the checks again', async () => {
    const world = placementWorld();
    const who = caller();
    const place = placer(world, who);
    const p = product(world.store, { status: 'DRAFT' });
    const err = await refusal(place(body([{ productId: p, quantity: 1 }]), 'k1'));
    expect(err.code).toBe('UNKNOWN_PRODUCT');
    expect(world.store.state.keys).toEqual({});
    world.store.state.products[p].status = 'ACTIVE';
    const retry = await place(body([{ productId: p, quantity: 1 }]), 'k1');
    expect(retry).toMatchObject({ status: 202, replayed: false });
  });

  it('when the order transaction fails, then the key is freed, no order exists and the gate units go back', async () => {
    const world = placementWorld();
    const who = caller();
    const p = product(world.store);
    world.gate.counters.set(p, 3);
    world.store.failNextTransaction = new Error('connection lost');
    await expect(placer(world, who)(body([{ productId: p, quantity: 2 }]), 'k1')).rejects.toThrow('connection lost');
    expect(world.store.state.keys).toEqual({});
    expect(world.store.ordersOf(who.id)).toHaveLength(0);
    expect(world.gate.counters.get(p)).toBe(3);
  });
});

describe('placeOrder: per-customer cap', () => {
  it("when open orders plus this one exceed the product's cap, then 409 PURCHASE_LIMIT_EXCEEDED and no gate units are spent", async () => {
    const world = placementWorld();
    const who = caller();
    const place = placer(world, who);
    const p = product(world.store, { cap: 5 });
    world.gate.counters.set(p, 100);
    await place(body([{ productId: p, quantity: 3 }]));
    const err = await refusal(place(body([{ productId: p, quantity: 3 }])));
    expect([err.code, err.status, err.details]).toEqual(['PURCHASE_LIMIT_EXCEEDED', 409, { productId: p, cap: 5, alreadyOrdered: 3 }]);
    expect(world.gate.counters.get(p)).toBe(97);
    expect(world.store.ordersOf(who.id)).toHaveLength(1);
  });

  it('when the product carries a cap of 1, then a second unit is refused', async () => {
    const world = placementWorld();
    const place = placer(world, caller());
    const p = product(world.store, { cap: 1 });
    await place(body([{ productId: p, quantity: 1 }]));
    expect((await refusal(place(body([{ productId: p, quantity: 1 }])))).details).toMatchObject({ cap: 1, alreadyOrdered: 1 });
  });

  it('when the product has maxPerCustomer null, then no cap applies (null means none)', async () => {
    const world = placementWorld();
    const place = placer(world, caller());
    const p = product(world.store, { cap: null });
    world.gate.counters.set(p, 100);
    for (let i = 0; i < 3; i++) await expect(place(body([{ productId: p, quantity: 10 }]))).resolves.toMatchObject({ status: 202 });
  });

  it('when earlier orders ended without a sale, then their units no longer count', async () => {
    const world = placementWorld();
    const who = caller();
    const place = placer(world, who);
    const p = product(world.store, { cap: 2 });
    const first = await place(body([{ productId: p, quantity: 2 }]));
    world.store.setStatus((first.body as OrderView).id, 'REJECTED');
    await expect(place(body([{ productId: p, quantity: 2 }]))).resolves.toMatchObject({ status: 202 });
  });

  it('when another customer ordered the product, then it does not count against this one', async () => {
    const world = placementWorld();
    const p = product(world.store, { cap: 2 });
    await placer(world, caller())(body([{ productId: p, quantity: 2 }]));
    await expect(placer(world, caller())(body([{ productId: p, quantity: 2 }]))).resolves.toMatchObject({ status: 202 });
  });
});

describe('placeOrder: sale gate', () => {
  it('when the pre-check finds the product sold out, then 409 OUT_OF_STOCK before any key is claimed', async () => {
    const world = placementWorld();
    const who = caller();
    const p = product(world.store);
    world.gate.counters.set(p, 1);
    const err = await refusal(placer(world, who)(body([{ productId: p, quantity: 2 }])));
    expect([err.code, err.status, err.details]).toEqual(['OUT_OF_STOCK', 409, { productId: p }]);
    expect(world.store.state.keys).toEqual({});
    expect(world.gate.markers.size).toBe(0);
    expect(world.store.ordersOf(who.id)).toHaveLength(0);
  });

  it('when the gate runs out between the pre-check and the take, then 409 OUT_OF_STOCK, the key is freed and no order exists', async () => {
    const world = placementWorld();
    const who = caller();
    const p = product(world.store);
    world.gate.counters.set(p, 5);
    world.gate.forceTake = { outcome: 'sold_out', productId: p };
    const err = await refusal(placer(world, who)(body([{ productId: p, quantity: 1 }])));
    expect([err.code, err.status]).toEqual(['OUT_OF_STOCK', 409]);
    expect(world.store.state.keys).toEqual({});
    expect(world.store.ordersOf(who.id)).toHaveLength(0);
  });

  it('when the order passes the gate, then its units are taken and the order remembers it passed', async () => {
    const world = placementWorld();
    const who = caller();
    const p = product(world.store);
    world.gate.counters.set(p, 5);
    await placer(world, who)(body([{ productId: p, quantity: 2 }]));
    expect(world.gate.counters.get(p)).toBe(3);
    expect(world.store.ordersOf(who.id)[0]).toMatchObject({ status: 'PENDING', gatePassed: true });
  });

  it('when the gate cannot decide (Redis away), then the order goes on to inventory, marked as not gated', async () => {
    const world = placementWorld();
    const who = caller();
    const p = product(world.store);
    world.gate.redisDown = true;
    await expect(placer(world, who)(body([{ productId: p, quantity: 1 }]))).resolves.toMatchObject({ status: 202 });
    expect(world.store.ordersOf(who.id)[0]).toMatchObject({ gatePassed: false });
  });

  it('when a key that made an order is retried after the sell-out, then the order is replayed, not refused', async () => {
    const world = placementWorld();
    const who = caller();
    const place = placer(world, who);
    const p = product(world.store);
    world.gate.counters.set(p, 1);
    const first = await place(body([{ productId: p, quantity: 1 }]), 'k1');
    expect(world.gate.counters.get(p)).toBe(0);
    await expect(place(body([{ productId: p, quantity: 1 }]), 'k1')).resolves.toEqual({ ...first, replayed: true });
  });
});

describe('placeOrder: pricing', () => {
  it("when the order is placed, then lines and total come from the snapshot's prices and the event carries them", async () => {
    const world = placementWorld();
    const who = caller();
    const a = product(world.store, { price: 1250 });
    const b = product(world.store, { price: 399 });
    const reply = await placer(world, who)(body([{ productId: a, quantity: 2 }, { productId: b, quantity: 3 }]));
    const view = reply.body as OrderView;
    expect(view).toMatchObject({ status: 'PENDING', total: 2 * 1250 + 3 * 399, currency: 'EUR' });
    expect(view.items.map((i) => [i.productId, i.unitPrice, i.lineTotal])).toEqual([[a, 1250, 2500], [b, 399, 1197]]);
    const [placed] = world.store.state.outbox;
    expect(placed).toMatchObject({ type: 'order.placed.v1', data: { orderId: view.id, userId: who.id, total: 3697, currency: 'EUR' } });
  });

  it.each([
    ['unknown', (s: MemoryStore) => (product(s), randomUUID())],
    ['deleted', (s: MemoryStore) => { const id = product(s); s.state.products[id].deleted = true; return id; }],
    ['not ACTIVE', (s: MemoryStore) => product(s, { status: 'ARCHIVED' })],
  ])('when a line names a product that is %s, then 400 UNKNOWN_PRODUCT naming it', async (_what, make) => {
    const world = placementWorld();
    const good = product(world.store);
    const bad = make(world.store);
    const err = await refusal(placer(world, caller())(body([{ productId: good, quantity: 1 }, { productId: bad, quantity: 1 }])));
    expect([err.code, err.status, err.details]).toEqual(['UNKNOWN_PRODUCT', 400, { productIds: [bad] }]);
  });

  it('when the lines are in two currencies, then 400 MIXED_CURRENCY', async () => {
    const world = placementWorld();
    const a = product(world.store, { currency: 'EUR' });
    const b = product(world.store, { currency: 'USD' });
    const err = await refusal(placer(world, caller())(body([{ productId: a, quantity: 1 }, { productId: b, quantity: 1 }])));
    expect([err.code, err.status]).toEqual(['MIXED_CURRENCY', 400]);
  });

  it('when the body has no items and the cart is empty, then 400 EMPTY_ORDER', async () => {
    const world = placementWorld({ cart: [] });
    const err = await refusal(placer(world, caller())(body(undefined)));
    expect([err.code, err.status]).toEqual(['EMPTY_ORDER', 400]);
  });

  it('when the items come from the cart, then the cart is priced and a line over 10 units is refused', async () => {
    const world = placementWorld();
    const p = product(world.store, { price: 100 });
    world.deps.cart = { items: async () => [{ productId: p, quantity: 4 }] };
    await expect(placer(world, caller())(body(undefined))).resolves.toMatchObject({ body: { total: 400 } });
    world.deps.cart = { items: async () => [{ productId: p, quantity: 11 }] };
    expect((await refusal(placer(world, caller())(body(undefined)))).code).toBe('VALIDATION_FAILED');
  });
});
