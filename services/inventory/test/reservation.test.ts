import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Db } from '@shop/db';
import { createUnitOfWork, processOnce } from '@shop/messaging';
import type { Event } from '@shop/contracts';
import type { ConsumerDeps } from '../src/messaging/handler-context.js';
import { handleOrderPlaced, ORDER_PLACED_QUEUE } from '../src/messaging/order-placed.consumer.js';
import { handleOrderOutcome, ORDER_OUTCOMES_QUEUE } from '../src/messaging/order-outcome.consumer.js';
import { event, logger, migratedDb, outboxFor, placed, reservationOf, seedStock, SOURCE, stockOf } from './harness.js';

let db: Db;
let kicks = 0;
let reserve: ReturnType<typeof handleOrderPlaced>;
let outcome: ReturnType<typeof handleOrderOutcome>;

/** Exactly what the consumer does with one delivery: inbox row + effect + outbox in one transaction. */
const deliverPlaced = (e: Event<'order.placed.v1'>) =>
  processOnce(db, { consumer: ORDER_PLACED_QUEUE, event: e }, async (trx) => void (await reserve(e, trx)));
const deliverOutcome = (e: Event<'order.confirmed.v1'> | Event<'order.rejected.v1'> | Event<'order.cancelled.v1'>) =>
  processOnce(db, { consumer: ORDER_OUTCOMES_QUEUE, event: e }, (trx) => outcome(e, trx));

const confirmed = (orderId: string, productId: string, quantity: number) =>
  event('order.confirmed.v1', {
    orderId,
    userId: randomUUID(),
    items: [{ productId, name: 'Thing', quantity, unitPrice: 1000 }],
    total: quantity * 1000,
    currency: 'EUR',
  });
const cancelled = (orderId: string) => event('order.cancelled.v1', { orderId, userId: randomUUID(), reason: 'customer' });
const rejected = (orderId: string) => event('order.rejected.v1', { orderId, userId: randomUUID(), reason: 'PAYMENT_DECLINED' });

const conserved = (s: { available: number; reserved: number; sold: number; added: number }) => s.available + s.reserved + s.sold === s.added;

beforeAll(async () => {
  // 200 transactions queue for 20 connections while they serialize on one hot row: let them wait.
  db = await migratedDb(20, 30_000);
  const deps: ConsumerDeps = { uow: createUnitOfWork({ db, source: SOURCE, relay: { kick: () => void kicks++ } }), logger, reservationTtlSeconds: 120 };
  reserve = handleOrderPlaced(deps);
  outcome = handleOrderOutcome(deps);
});
afterAll(async () => {
  await db.destroy();
});

describe('reserving an order', () => {
  it('when every line has stock, then all lines are held, one reservation is stored and inventory.reserved.v1 is in the outbox', async () => {
    const a = await seedStock(db, 5);
    const b = await seedStock(db, 3);
    const order = placed([
      { productId: a, quantity: 2 },
      { productId: b, quantity: 3 },
    ]);
    expect(await deliverPlaced(order)).toBe(true);

    expect(await stockOf(db, a)).toEqual({ available: 3, reserved: 2, sold: 0, added: 5 });
    expect(await stockOf(db, b)).toEqual({ available: 0, reserved: 3, sold: 0, added: 3 });
    const reservation = await reservationOf(db, order.data.orderId);
    expect(reservation).toMatchObject({ status: 'held' });
    expect(reservation.expires_at.toISOString()).toBe(order.data.expiresAt);
    const events = await outboxFor(db, order.data.orderId);
    expect(events.map((e) => e.type)).toEqual(['inventory.reserved.v1']);
    expect(events[0]).toMatchObject({
      correlationId: order.correlationId,
      source: SOURCE,
      data: { orderId: order.data.orderId, reservationId: reservation.id, expiresAt: order.data.expiresAt },
    });
    expect((events[0].data as { items: unknown[] }).items).toEqual(
      expect.arrayContaining([
        { productId: a, quantity: 2 },
        { productId: b, quantity: 3 },
      ]),
    );
  });

  it("when the order's 2nd line lacks stock, then nothing is reserved and inventory.rejected.v1 names that product", async () => {
    const [first, second] = [randomUUID(), randomUUID()].sort();
    await seedStock(db, 10, first);
    await seedStock(db, 1, second);
    const order = placed([
      { productId: first, quantity: 4 },
      { productId: second, quantity: 2 },
    ]);
    expect(await deliverPlaced(order)).toBe(true);

    expect(await stockOf(db, first)).toEqual({ available: 10, reserved: 0, sold: 0, added: 10 });
    expect(await stockOf(db, second)).toEqual({ available: 1, reserved: 0, sold: 0, added: 1 });
    expect(await reservationOf(db, order.data.orderId)).toMatchObject({ status: 'rejected', reason: 'OUT_OF_STOCK' });
    expect(await db('reservation_lines').join('reservations', 'reservations.id', 'reservation_id').where({ order_id: order.data.orderId })).toEqual([]);
    const events = await outboxFor(db, order.data.orderId);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['inventory.rejected.v1', { orderId: order.data.orderId, reason: 'OUT_OF_STOCK', productIds: [second] }],
    ]);
  });

  it('when a product has no stock record yet, then the delivery fails and changes nothing; once the record exists, the same message reserves', async () => {
    const known = await seedStock(db, 5);
    const unknown = randomUUID();
    const order = placed([
      { productId: known, quantity: 1 },
      { productId: unknown, quantity: 1 },
    ]);
    // Not a sell-out: its product.created.v1 has not reached inventory. Retried, then dead-lettered.
    await expect(deliverPlaced(order)).rejects.toThrow(/no stock record for/);
    expect(await stockOf(db, known)).toEqual({ available: 5, reserved: 0, sold: 0, added: 5 });
    expect(await reservationOf(db, order.data.orderId)).toBeUndefined();
    expect(await outboxFor(db, order.data.orderId)).toEqual([]);
    expect(await db('inbox').where({ consumer: ORDER_PLACED_QUEUE, message_id: order.id })).toEqual([]);

    await seedStock(db, 3, unknown); // the product appears
    expect(await deliverPlaced(order)).toBe(true); // the replay
    expect(await reservationOf(db, order.data.orderId)).toMatchObject({ status: 'held' });
    expect(await stockOf(db, unknown)).toEqual({ available: 2, reserved: 1, sold: 0, added: 3 });
  });

  it("when an order arrives after its own expiry, then nothing is held and it is rejected ORDER_EXPIRED, again on a second message", async () => {
    const productId = await seedStock(db, 5);
    const order = placed([{ productId, quantity: 2 }], { expiresAt: new Date(Date.now() - 1_000) });
    await deliverPlaced(order);
    expect(await stockOf(db, productId)).toEqual({ available: 5, reserved: 0, sold: 0, added: 5 });
    expect(await reservationOf(db, order.data.orderId)).toMatchObject({ status: 'rejected', reason: 'ORDER_EXPIRED' });

    const again = placed([{ productId, quantity: 2 }], { orderId: order.data.orderId, expiresAt: new Date(order.data.expiresAt) });
    await deliverPlaced(again);
    expect(await stockOf(db, productId)).toEqual({ available: 5, reserved: 0, sold: 0, added: 5 });
    const events = await outboxFor(db, order.data.orderId);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['inventory.rejected.v1', { orderId: order.data.orderId, reason: 'ORDER_EXPIRED' }],
      ['inventory.rejected.v1', { orderId: order.data.orderId, reason: 'ORDER_EXPIRED', productIds: [] }],
    ]);
  });

  it('when the same product appears on two lines, then their sum must fit and is held once', async () => {
    const p = await seedStock(db, 3);
    const tooMuch = placed([
      { productId: p, quantity: 2 },
      { productId: p, quantity: 2 },
    ]);
    await deliverPlaced(tooMuch);
    expect(await stockOf(db, p)).toEqual({ available: 3, reserved: 0, sold: 0, added: 3 });
    const fits = placed([
      { productId: p, quantity: 1 },
      { productId: p, quantity: 2 },
    ]);
    await deliverPlaced(fits);
    expect(await stockOf(db, p)).toEqual({ available: 0, reserved: 3, sold: 0, added: 3 });
  });

  it('when 200 orders of 1 unit race for 50 units, then exactly 50 are reserved, 150 rejected, and stock never goes negative', async () => {
    const p = await seedStock(db, 50);
    const orders = Array.from({ length: 200 }, () => placed([{ productId: p, quantity: 1 }]));
    const started = Date.now();
    const results = await Promise.allSettled(orders.map(deliverPlaced));
    logger.info({ ms: Date.now() - started }, '200 reservations');
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);

    expect(await stockOf(db, p)).toEqual({ available: 0, reserved: 50, sold: 0, added: 50 });
    const ids = orders.map((o) => o.data.orderId);
    const statuses = await db('reservations').whereIn('order_id', ids).select('status');
    expect(statuses.filter((r) => r.status === 'held')).toHaveLength(50);
    expect(statuses.filter((r) => r.status === 'rejected')).toHaveLength(150);
    const types = await db('outbox').whereRaw("payload->'data'->>'orderId' = any(?)", [ids]).pluck('type');
    expect(types.filter((t) => t === 'inventory.reserved.v1')).toHaveLength(50);
    expect(types.filter((t) => t === 'inventory.rejected.v1')).toHaveLength(150);
    const held = await db('reservation_lines').where({ product_id: p }).sum({ q: 'quantity' }).first();
    expect(Number(held?.q)).toBe(50);
  });
});

describe('duplicates', () => {
  it('when the same message is delivered twice, then it reserves once and writes one event', async () => {
    const p = await seedStock(db, 5);
    const order = placed([{ productId: p, quantity: 2 }]);
    expect(await deliverPlaced(order)).toBe(true);
    expect(await deliverPlaced(order)).toBe(false);
    expect(await stockOf(db, p)).toEqual({ available: 3, reserved: 2, sold: 0, added: 5 });
    expect(await outboxFor(db, order.data.orderId)).toHaveLength(1);
  });

  it('when the same message is delivered twice at the same moment, then it reserves once', async () => {
    const p = await seedStock(db, 5);
    const order = placed([{ productId: p, quantity: 2 }]);
    const ran = await Promise.all([deliverPlaced(order), deliverPlaced(order), deliverPlaced(order)]);
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(await stockOf(db, p)).toEqual({ available: 3, reserved: 2, sold: 0, added: 5 });
  });

  it('when a different message arrives for an order already reserved, then nothing more is held and the first outcome is answered again', async () => {
    const p = await seedStock(db, 5);
    const first = placed([{ productId: p, quantity: 2 }]);
    const again = placed([{ productId: p, quantity: 2 }], { orderId: first.data.orderId });
    await deliverPlaced(first);
    expect(await deliverPlaced(again)).toBe(true);
    expect(await stockOf(db, p)).toEqual({ available: 3, reserved: 2, sold: 0, added: 5 });
    const events = await outboxFor(db, first.data.orderId);
    expect(events.map((e) => e.type)).toEqual(['inventory.reserved.v1', 'inventory.reserved.v1']);
    expect(events[1].data).toEqual(events[0].data);
  });

  it('when a different message arrives for an order that was rejected, then it is rejected again even if stock came back', async () => {
    const p = await seedStock(db, 1);
    const first = placed([{ productId: p, quantity: 2 }]);
    await deliverPlaced(first);
    await db('stock').where({ product_id: p }).update({ available: 10, added: 10 });
    await deliverPlaced(placed([{ productId: p, quantity: 2 }], { orderId: first.data.orderId }));
    expect(await stockOf(db, p)).toEqual({ available: 10, reserved: 0, sold: 0, added: 10 });
    expect((await outboxFor(db, first.data.orderId)).map((e) => e.type)).toEqual(['inventory.rejected.v1', 'inventory.rejected.v1']);
  });
});

describe('commit and release', () => {
  it('when the order is confirmed, then held units become sold; a second confirmation changes nothing', async () => {
    const p = await seedStock(db, 10);
    const order = placed([{ productId: p, quantity: 4 }]);
    await deliverPlaced(order);
    await deliverOutcome(confirmed(order.data.orderId, p, 4));
    expect(await stockOf(db, p)).toEqual({ available: 6, reserved: 0, sold: 4, added: 10 });
    expect(await reservationOf(db, order.data.orderId)).toMatchObject({ status: 'committed' });
    await deliverOutcome(confirmed(order.data.orderId, p, 4));
    expect(await stockOf(db, p)).toEqual({ available: 6, reserved: 0, sold: 4, added: 10 });
  });

  it('when the order is rejected or cancelled, then held units go back and inventory.released.v1 is written once', async () => {
    const p = await seedStock(db, 10);
    const a = placed([{ productId: p, quantity: 3 }]);
    const b = placed([{ productId: p, quantity: 2 }]);
    await deliverPlaced(a);
    await deliverPlaced(b);
    expect(await stockOf(db, p)).toEqual({ available: 5, reserved: 5, sold: 0, added: 10 });

    await deliverOutcome(rejected(a.data.orderId));
    await deliverOutcome(cancelled(b.data.orderId));
    await deliverOutcome(cancelled(b.data.orderId)); // another message, same order: a no-op
    expect(await stockOf(db, p)).toEqual({ available: 10, reserved: 0, sold: 0, added: 10 });
    expect((await outboxFor(db, a.data.orderId)).map((e) => [e.type, (e.data as { reason?: string }).reason])).toEqual([
      ['inventory.reserved.v1', undefined],
      ['inventory.released.v1', 'ORDER_REJECTED'],
    ]);
    expect((await outboxFor(db, b.data.orderId)).filter((e) => e.type === 'inventory.released.v1')).toHaveLength(1);
  });

  it('when a committed order is cancelled, then nothing is released', async () => {
    const p = await seedStock(db, 2);
    const order = placed([{ productId: p, quantity: 2 }]);
    await deliverPlaced(order);
    await deliverOutcome(confirmed(order.data.orderId, p, 2));
    await deliverOutcome(cancelled(order.data.orderId));
    expect(await stockOf(db, p)).toEqual({ available: 0, reserved: 0, sold: 2, added: 2 });
  });

  it('when an order is cancelled before its order.placed.v1 arrives, then the late order.placed.v1 reserves nothing', async () => {
    const p = await seedStock(db, 2);
    const order = placed([{ productId: p, quantity: 1 }]);
    await deliverOutcome(cancelled(order.data.orderId));
    await deliverPlaced(order);
    expect(await stockOf(db, p)).toEqual({ available: 2, reserved: 0, sold: 0, added: 2 });
    expect((await outboxFor(db, order.data.orderId)).map((e) => [e.type, (e.data as { reason?: string }).reason])).toEqual([
      ['inventory.released.v1', 'ORDER_CANCELLED'],
    ]);
  });

  it('when a confirmation arrives for an order that was never reserved, then the handler fails permanently and changes nothing', async () => {
    const p = await seedStock(db, 2);
    const message = confirmed(randomUUID(), p, 1);
    await expect(deliverOutcome(message)).rejects.toThrow(/reservation is missing/);
    // Rolled back with the effect, so a replay from the dead-letter queue is processed for real.
    expect(await db('inbox').where({ consumer: ORDER_OUTCOMES_QUEUE, message_id: message.id })).toEqual([]);
    expect(await stockOf(db, p)).toEqual({ available: 2, reserved: 0, sold: 0, added: 2 });
  });

  it('when a confirmation arrives after the hold expired but the units are still free, then they are sold from available', async () => {
    const p = await seedStock(db, 3);
    const order = placed([{ productId: p, quantity: 2 }]);
    await deliverPlaced(order);
    await db('reservations').where({ order_id: order.data.orderId }).update({ status: 'expired' });
    await db('stock').where({ product_id: p }).update({ available: 3, reserved: 0 }); // what the old sweeper did
    await deliverOutcome(confirmed(order.data.orderId, p, 2));
    expect(await stockOf(db, p)).toEqual({ available: 1, reserved: 0, sold: 2, added: 3 });
    expect(await reservationOf(db, order.data.orderId)).toMatchObject({ status: 'committed', reason: 'COMMITTED_AFTER_EXPIRED' });
  });

  it('when a confirmation arrives after the hold expired and the units were sold to someone else, then it fails permanently and nothing goes negative', async () => {
    const p = await seedStock(db, 2);
    const order = placed([{ productId: p, quantity: 2 }]);
    await deliverPlaced(order);
    await db('reservations').where({ order_id: order.data.orderId }).update({ status: 'expired' });
    await db('stock').where({ product_id: p }).update({ available: 1, reserved: 0, sold: 1 });
    await expect(deliverOutcome(confirmed(order.data.orderId, p, 2))).rejects.toThrow(/reservation is expired/);
    expect(await stockOf(db, p)).toEqual({ available: 1, reserved: 0, sold: 1, added: 2 });
  });

  it('after many mixed flows, then every touched row still adds up and none is negative', async () => {
    const bad = await db('stock').whereRaw('available + reserved + sold <> added or available < 0 or reserved < 0 or sold < 0');
    expect(bad).toEqual([]);
    const rows = await db('stock').select('available', 'reserved', 'sold', 'added');
    expect(rows.every(conserved)).toBe(true);
    expect(kicks).toBeGreaterThan(0);
  });
});
