import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { dlqName, eventsConsumed, getTask, processOnce } from '@shop/messaging';
import { waitFor } from '@shop/testing';
import { handleOrderPlaced, ORDER_PLACED_QUEUE } from '../src/messaging/order-placed.consumer.js';
import { PRODUCT_EVENTS_QUEUE } from '../src/messaging/product-events.consumer.js';
import { ADMIN_AMQP_URL, BusProbe, event, outboxFor, placed, reservationOf, seedStock, startInventory, stockOf, type Harness } from './harness.js';

let inv: Harness;
let bus: BusProbe;

const consumed = async (queue: string, outcome: string) =>
  (await eventsConsumed.get()).values
    .filter((v) => v.labels.queue === queue && v.labels.outcome === outcome)
    .reduce((n, v) => n + v.value, 0);

beforeAll(async () => {
  inv = await startInventory();
  bus = await BusProbe.open(ADMIN_AMQP_URL, ['inventory.#']);
});
afterAll(async () => {
  await bus?.close();
  await inv?.close();
});

describe('product events', () => {
  it('when product.created.v1 arrives (twice), then one stock row holds initialStock and added matches', async () => {
    const productId = randomUUID();
    const created = event('product.created.v1', {
      productId,
      sku: `SKU-${productId.slice(0, 8)}`,
      name: 'Drop hoodie',
      price: 5900,
      currency: 'EUR',
      status: 'ACTIVE',
      initialStock: 25,
    });
    await inv.peers.publish(created);
    await inv.peers.publish(created);
    await waitFor(async () => (await getTask(inv.db, PRODUCT_EVENTS_QUEUE, created.id))?.status === 'complete', { what: 'product.created handled' });
    await waitFor(async () => (await consumed(PRODUCT_EVENTS_QUEUE, 'duplicate')) > 0, { what: 'duplicate seen' });
    expect(await stockOf(inv.db, productId)).toEqual({ available: 25, reserved: 0, sold: 0, added: 25 });
  });

  it('when product.deleted.v1 arrives, then the stock row is kept and only marked', async () => {
    const productId = await seedStock(inv.db, 4);
    const deleted = event('product.deleted.v1', { productId });
    await inv.peers.publish(deleted);
    await waitFor(async () => (await getTask(inv.db, PRODUCT_EVENTS_QUEUE, deleted.id))?.status === 'complete', { what: 'product.deleted handled' });
    const row = await inv.db('stock').where({ product_id: productId }).first();
    expect(row).toMatchObject({ available: 4, added: 4 });
    expect(row.deleted_at).not.toBeNull();
  });
});

describe('order.placed.v1 over the bus', () => {
  it('when an order is placed, then its stock is held and inventory.reserved.v1 reaches the bus with the same correlation id', async () => {
    const p = await seedStock(inv.db, 5);
    const order = placed([{ productId: p, quantity: 2 }]);
    await inv.peers.publish(order);
    const [reserved] = await waitFor(() => bus.forOrder(order.data.orderId).length > 0 && bus.forOrder(order.data.orderId), {
      what: 'inventory.reserved.v1 on the bus',
    });
    expect(reserved).toMatchObject({ type: 'inventory.reserved.v1', correlationId: order.correlationId, data: { orderId: order.data.orderId } });
    expect(await stockOf(inv.db, p)).toEqual({ available: 3, reserved: 2, sold: 0, added: 5 });
    const row = await inv.db('outbox').where({ id: reserved.id }).first();
    expect(row.published_at).not.toBeNull();
  });

  it('when the broker delivers the same message twice, then it reserves once and publishes once', async () => {
    const p = await seedStock(inv.db, 5);
    const order = placed([{ productId: p, quantity: 2 }]);
    const before = await consumed(ORDER_PLACED_QUEUE, 'duplicate');
    await inv.peers.publish(order);
    await inv.peers.publish(order);
    await waitFor(async () => (await consumed(ORDER_PLACED_QUEUE, 'duplicate')) > before, { what: 'the duplicate to be consumed' });
    expect(await stockOf(inv.db, p)).toEqual({ available: 3, reserved: 2, sold: 0, added: 5 });
    expect(await outboxFor(inv.db, order.data.orderId)).toHaveLength(1);
  });

  it('when the consumer died after its commit but before its ack, then the redelivered message reserves nothing more', async () => {
    const p = await seedStock(inv.db, 5);
    const order = placed([{ productId: p, quantity: 3 }]);
    // The first delivery's transaction commits; the process "dies" before the ack...
    const handle = handleOrderPlaced(inv.deps);
    expect(await processOnce(inv.db, { consumer: ORDER_PLACED_QUEUE, event: order }, async (trx) => void (await handle(order, trx)))).toBe(true);
    // ...so the broker delivers the very same message again.
    const before = await consumed(ORDER_PLACED_QUEUE, 'duplicate');
    await inv.peers.publish(order);
    await waitFor(async () => (await consumed(ORDER_PLACED_QUEUE, 'duplicate')) > before, { what: 'the redelivery to be consumed' });
    expect(await stockOf(inv.db, p)).toEqual({ available: 2, reserved: 3, sold: 0, added: 5 });
    expect(await outboxFor(inv.db, order.data.orderId)).toHaveLength(1);
    expect(await reservationOf(inv.db, order.data.orderId)).toMatchObject({ status: 'held' });
  });

  it('when 100 orders of 1 unit arrive over the bus for 30 units, then exactly 30 are reserved and 70 rejected', async () => {
    const p = await seedStock(inv.db, 30);
    const orders = Array.from({ length: 100 }, () => placed([{ productId: p, quantity: 1 }]));
    await Promise.all(orders.map((o) => inv.peers.publish(o)));
    const answered = () => orders.filter((o) => bus.forOrder(o.data.orderId).length > 0).length;
    await waitFor(() => answered() === 100, { timeoutMs: 30_000, what: 'all 100 orders answered on the bus' });
    const types = orders.map((o) => bus.forOrder(o.data.orderId)[0].type);
    expect(types.filter((t) => t === 'inventory.reserved.v1')).toHaveLength(30);
    expect(types.filter((t) => t === 'inventory.rejected.v1')).toHaveLength(70);
    expect(await stockOf(inv.db, p)).toEqual({ available: 0, reserved: 30, sold: 0, added: 30 });
  });

  it('when an order.placed.v1 carries invalid data, then it is dead-lettered and nothing is reserved', async () => {
    const p = await seedStock(inv.db, 5);
    await bus.ch.purgeQueue(dlqName(ORDER_PLACED_QUEUE));
    const poison = {
      ...placed([{ productId: p, quantity: 1 }]),
      data: { orderId: randomUUID(), items: [{ productId: p, quantity: -3 }] },
    };
    bus.publishRaw('order.placed.v1', JSON.stringify(poison), poison.id);
    await waitFor(async () => (await bus.ch.checkQueue(dlqName(ORDER_PLACED_QUEUE))).messageCount === 1, { what: 'the poison message in the DLQ' });
    const dead = await bus.ch.get(dlqName(ORDER_PLACED_QUEUE), { noAck: true });
    expect(dead && dead.properties.messageId).toBe(poison.id);
    expect(String(dead && dead.properties.headers?.['x-dlq-reason'])).toMatch(/invalid data for order.placed.v1/);
    expect(await stockOf(inv.db, p)).toEqual({ available: 5, reserved: 0, sold: 0, added: 5 });
    expect(await reservationOf(inv.db, poison.data.orderId)).toBeUndefined();
  });
});
