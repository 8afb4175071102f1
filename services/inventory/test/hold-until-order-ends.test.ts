/**
 * Issue 10 #1, the window that was left: an order the order service CONFIRMED just before its
 * expiresAt, whose order.confirmed.v1 reached inventory after inventory's own sweeper had
 * released the hold, dead-lettered `cannot_commit` while someone else had the unit. Now the
 * order service owns an order's expiry and a hold lasts until the order's end arrives here
 * (docs/decisions.md, "One owner of an order's expiry"). The whole service runs, as a replica
 * does; the events come through the broker as the order service sends them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { waitFor } from '@shop/testing';
import { event, outboxFor, placed, reservationOf, seedStock, startInventory, stockOf, type Harness } from './harness.js';

let inv: Harness;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  inv = await startInventory();
});
afterAll(async () => {
  await inv?.close();
});

const confirmed = (orderId: string, productId: string) =>
  event('order.confirmed.v1', { orderId, userId: randomUUID(), items: [{ productId, name: 'Thing', quantity: 1, unitPrice: 1000 }], total: 1000, currency: 'EUR' });
const expired = (orderId: string) => event('order.expired.v1', { orderId, userId: randomUUID(), reason: 'RESERVATION_EXPIRED' });
const statusOf = async (orderId: string) => (await reservationOf(inv.db, orderId))?.status as string | undefined;

describe('a hold lasts until its order ends', () => {
  it("when an order's expiresAt passes before its order.confirmed.v1 arrives, then its unit is still held: a later order is refused and the late confirmation sells it", async () => {
    const p = await seedStock(inv.db, 1);
    // A short hold, as a short TTL gives: confirmed by the order service at the last moment.
    const first = placed([{ productId: p, quantity: 1 }], { expiresAt: new Date(Date.now() + 1_500) });
    await inv.peers.publish(first);
    await waitFor(async () => (await statusOf(first.data.orderId)) === 'held', { what: 'the first order held' });

    // Its confirmation is delayed (a relay or broker backlog) well past the expiry, which is
    // when a clock-driven sweeper (every 5 s on a replica) gave the unit back.
    await sleep(7_000);
    const second = placed([{ productId: p, quantity: 1 }]);
    await inv.peers.publish(second);
    await waitFor(async () => (await statusOf(second.data.orderId)) !== undefined, { what: 'the second order answered' });

    await inv.peers.publish(confirmed(first.data.orderId, p));
    await waitFor(async () => (await statusOf(first.data.orderId)) === 'committed', { what: 'the late confirmation committed', timeoutMs: 10_000 });
    expect(await reservationOf(inv.db, second.data.orderId)).toMatchObject({ status: 'rejected', reason: 'OUT_OF_STOCK' });
    expect(await stockOf(inv.db, p)).toEqual({ available: 0, reserved: 0, sold: 1, added: 1 });
    expect((await outboxFor(inv.db, first.data.orderId)).map((e) => e.type)).toEqual(['inventory.reserved.v1']);
  }, 30_000);

  it('when order.expired.v1 arrives, then the hold is released once, with inventory.released.v1 ORDER_EXPIRED; a second one changes nothing', async () => {
    const p = await seedStock(inv.db, 2);
    const order = placed([{ productId: p, quantity: 2 }]);
    await inv.peers.publish(order);
    await waitFor(async () => (await statusOf(order.data.orderId)) === 'held', { what: 'the order held' });
    await inv.peers.publish(expired(order.data.orderId));
    await inv.peers.publish(expired(order.data.orderId)); // a second message about the same end
    await waitFor(async () => (await statusOf(order.data.orderId)) === 'released', { what: 'the hold released' });
    await sleep(500);
    expect(await reservationOf(inv.db, order.data.orderId)).toMatchObject({ status: 'released', reason: 'ORDER_EXPIRED' });
    expect(await stockOf(inv.db, p)).toEqual({ available: 2, reserved: 0, sold: 0, added: 2 });
    const released = (await outboxFor(inv.db, order.data.orderId)).filter((e) => e.type === 'inventory.released.v1');
    expect(released.map((e) => e.data)).toEqual([{ orderId: order.data.orderId, reason: 'ORDER_EXPIRED' }]);
  }, 30_000);

  it('when order.expired.v1 arrives before the order.placed.v1 it ends, then the late order.placed.v1 holds nothing', async () => {
    const p = await seedStock(inv.db, 1);
    const order = placed([{ productId: p, quantity: 1 }]);
    await inv.peers.publish(expired(order.data.orderId));
    await waitFor(async () => (await statusOf(order.data.orderId)) === 'released', { what: 'the tombstone' });
    await inv.peers.publish(order);
    await waitFor(async () => (await outboxFor(inv.db, order.data.orderId)).length >= 1, { what: 'the answer to the late order.placed.v1' });
    expect(await stockOf(inv.db, p)).toEqual({ available: 1, reserved: 0, sold: 0, added: 1 });
  }, 30_000);
});
