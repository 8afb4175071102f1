import type { Logger } from '@shop/logger';
import { EventTypes } from '@shop/contracts';
import { moveOrder, type OrderStatus } from './order-state.js';
import type { EventMeta, OrderDb, OrderTx, RelayKick, StockGate } from './ports.js';
import type { Order } from './types.js';

export interface OutcomeDeps {
  gate: StockGate;
  /** Wakes the payment worker after a reservation commits. */
  payments: RelayKick;
  logger: Logger;
}

/**
 * inventory.reserved.v1: PENDING → RESERVED and a payment attempt row, in the inbox
 * transaction. The charge itself runs after commit, outside any transaction (payment worker).
 * A second reservation event for the order finds it no longer PENDING and does nothing.
 */
export async function markReserved(tx: OrderTx, deps: OutcomeDeps, orderId: string): Promise<boolean> {
  const order = await moveOrder(tx.orders, orderId, 'RESERVED', null);
  if (!order) {
    deps.logger.info({ orderId }, 'reservation for an order that is not PENDING; ignored');
    return false;
  }
  await tx.payments.create({ orderId, amount: order.total, currency: order.currency, token: order.paymentToken });
  tx.onCommit(() => deps.payments.kick());
  return true;
}

/**
 * Ends an order without a sale: REJECTED, CANCELLED or EXPIRED; gate units go back after commit,
 * except for the products in `soldOut`: inventory refused them for want of stock, so the gate
 * had units inventory does not, and giving them back would keep it open for the whole drop.
 */
export async function endOrder(
  tx: OrderTx,
  deps: OutcomeDeps,
  input: {
    orderId: string;
    to: Extract<OrderStatus, 'REJECTED' | 'CANCELLED' | 'EXPIRED'>;
    reason: string;
    meta: EventMeta;
    soldOut?: 'all' | readonly string[];
  },
): Promise<Order | undefined> {
  const { orderId, to, reason, meta } = input;
  const order = await moveOrder(tx.orders, orderId, to, reason);
  if (!order) {
    deps.logger.info({ orderId, to }, 'transition not allowed from the current state; ignored');
    return undefined;
  }
  await tx.payments.voidPending(orderId, `order ${to.toLowerCase()}`);
  if (to === 'REJECTED') await tx.emit(EventTypes.OrderRejected, { orderId, userId: order.userId, reason }, meta);
  if (to === 'CANCELLED') await tx.emit(EventTypes.OrderCancelled, { orderId, userId: order.userId, reason }, meta);
  // Inventory releases an expired order's hold on this event only (never by the clock).
  if (to === 'EXPIRED') await tx.emit(EventTypes.OrderExpired, { orderId, userId: order.userId, reason }, meta);
  const soldOut = input.soldOut ?? [];
  const lines = order.gatePassed && soldOut !== 'all' ? (await tx.orders.lines(orderId)).filter((l) => !soldOut.includes(l.productId)) : [];
  if (lines.length) tx.onCommit(() => deps.gate.giveBack(lines));
  return order;
}

/**
 * This service is the one owner of an order's expiry (docs/decisions.md, "One owner of an
 * order's expiry"). Orders whose time is up end EXPIRED, with order.expired.v1 (inventory then
 * releases what it holds for them) and their gate units back:
 *
 * - PENDING past expiresAt plus `graceMs`: inventory never answered (NEVER_RESERVED); without
 *   this a short outage left them PENDING for good;
 * - RESERVED past expiresAt and not paid (RESERVATION_EXPIRED), unless a charge is under way:
 *   the order row's lock orders this against the payment worker, so an order is CONFIRMED or
 *   EXPIRED, never both, and inventory's hold lasts until whichever it is reaches it.
 *
 * Returns how many orders it ended.
 */
export async function expireOrders(store: OrderDb, deps: OutcomeDeps, now: Date, graceMs: number, limit: number): Promise<number> {
  const unreserved = await store.orders.pendingExpiredBefore(new Date(now.getTime() - graceMs), limit);
  const unpaid = await store.orders.reservedExpiredBefore(now, limit);
  let expired = 0;
  const end = (orderId: string, reason: string) =>
    store.transaction(async (tx) => {
      await tx.orders.lock([orderId]);
      // Checked for both lists: a PENDING order may have been reserved and claimed since.
      if (await chargeUnderWay(tx, orderId, now)) return undefined;
      return endOrder(tx, deps, { orderId, to: 'EXPIRED', reason, meta: { correlationId: orderId } });
    });
  for (const orderId of unreserved) if (await end(orderId, 'NEVER_RESERVED')) expired++;
  for (const orderId of unpaid) if (await end(orderId, 'RESERVATION_EXPIRED')) expired++;
  return expired;
}

/** Read under the order's lock, which every claim of its charge takes first. */
async function chargeUnderWay(tx: OrderTx, orderId: string, now: Date): Promise<boolean> {
  const attempt = await tx.payments.find(orderId);
  return attempt?.status === 'CHARGING' && attempt.claimedUntil !== null && attempt.claimedUntil.getTime() > now.getTime();
}
