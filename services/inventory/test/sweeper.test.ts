import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { processOnce } from '@shop/messaging';
import type { Event } from '@shop/contracts';
import { waitFor } from '@shop/testing';
import { startSweeper } from '../src/jobs/reservation-sweeper.js';
import { handleOrderPlaced, ORDER_PLACED_QUEUE } from '../src/messaging/order-placed.consumer.js';
import { ADMIN_AMQP_URL, BusProbe, logger, outboxFor, placed, reservationOf, seedStock, startInventory, stockOf, type Harness } from './harness.js';

let inv: Harness;
let bus: BusProbe;

// Reserved a minute ago, so a hold that ends "a second ago" was a real hold when it was made
// (an order that arrives after its own expiry is refused, not held).
const reserve = (order: Event<'order.placed.v1'>) => {
  const handle = handleOrderPlaced({ ...inv.deps, now: () => new Date(Date.now() - 60_000) });
  return processOnce(inv.db, { consumer: ORDER_PLACED_QUEUE, event: order }, async (trx) => void (await handle(order, trx)));
};
const past = () => new Date(Date.now() - 1_000);

beforeAll(async () => {
  // The harness's own sweeper runs every 300 ms, like a replica's would (just faster).
  inv = await startInventory({ sweepIntervalMs: 300 });
  bus = await BusProbe.open(ADMIN_AMQP_URL, ['inventory.released.v1']);
});
afterAll(async () => {
  await bus?.close();
  await inv?.close();
});

describe('reservation sweeper', () => {
  it('when a held reservation passes its expiry, then it becomes expired, its stock returns and inventory.released.v1 EXPIRED reaches the bus', async () => {
    const p = await seedStock(inv.db, 4);
    const order = placed([{ productId: p, quantity: 3 }], { expiresAt: past() });
    await reserve(order);

    const [released] = await waitFor(() => bus.forOrder(order.data.orderId).length > 0 && bus.forOrder(order.data.orderId), {
      what: 'inventory.released.v1 on the bus',
    });
    expect(released).toMatchObject({ type: 'inventory.released.v1', data: { orderId: order.data.orderId, reason: 'EXPIRED' } });
    expect(await reservationOf(inv.db, order.data.orderId)).toMatchObject({ status: 'expired', reason: 'EXPIRED' });
    expect(await stockOf(inv.db, p)).toEqual({ available: 4, reserved: 0, sold: 0, added: 4 });
  });

  it('when a reservation has not expired yet, then the sweeper leaves it held', async () => {
    const p = await seedStock(inv.db, 2);
    const order = placed([{ productId: p, quantity: 1 }], { expiresAt: new Date(Date.now() + 60_000) });
    await reserve(order);
    await inv.sweeper.sweepOnce();
    expect(await reservationOf(inv.db, order.data.orderId)).toMatchObject({ status: 'held' });
    expect(await stockOf(inv.db, p)).toEqual({ available: 1, reserved: 1, sold: 0, added: 2 });
  });

  it('when two replicas sweep the same expired reservations at once, then each is released exactly once', async () => {
    const products = [await seedStock(inv.db, 45), await seedStock(inv.db, 45)]; // 30 orders need exactly 45 of each
    const orders = Array.from({ length: 30 }, (_, i) =>
      placed(
        [
          { productId: products[i % 2], quantity: 1 },
          { productId: products[(i + 1) % 2], quantity: 2 },
        ],
        { expiresAt: past() },
      ),
    );
    await inv.sweeper.stop(); // only our two "replicas" sweep in this test
    for (const o of orders) await reserve(o);
    for (const p of products) expect(await stockOf(inv.db, p)).toEqual({ available: 0, reserved: 45, sold: 0, added: 45 });
    const replica = () =>
      startSweeper({ uow: inv.uow, logger, intervalMs: 600_000, batchSize: 7 });
    const [a, b] = [replica(), replica()];
    const mine = new Set(orders.map((o) => o.data.orderId));
    const expiredBy: string[] = [];
    for (let round = 0; round < 20; round++) {
      const done = await Promise.all([a.sweepOnce(), b.sweepOnce(), a.sweepOnce(), b.sweepOnce()]);
      expiredBy.push(...done.flat().filter((id) => mine.has(id)));
      if (done.every((d) => d.length === 0)) break;
    }
    await Promise.all([a.stop(), b.stop()]);

    expect(expiredBy).toHaveLength(30);
    expect(new Set(expiredBy).size).toBe(30);
    for (const p of products) expect(await stockOf(inv.db, p)).toEqual({ available: 45, reserved: 0, sold: 0, added: 45 });
    for (const o of orders) {
      const released = (await outboxFor(inv.db, o.data.orderId)).filter((e) => e.type === 'inventory.released.v1');
      expect(released).toHaveLength(1);
    }
  });
});
