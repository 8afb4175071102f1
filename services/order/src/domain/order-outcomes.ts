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
  const soldOut = input.soldOut ?? [];
  const lines = order.gatePassed && soldOut !== 'all' ? (await tx.orders.lines(orderId)).filter((l) => !soldOut.includes(l.productId)) : [];
  if (lines.length) tx.onCommit(() => deps.gate.giveBack(lines));
  return order;
}

/**
 * PENDING orders that never heard from inventory by their own expiresAt (plus `graceMs`) end
 * EXPIRED, with their gate units back. Inventory refuses an order.placed.v1 that arrives after
 * its expiresAt, and a hold it did make ends at that time too, so nothing is held for these
 * orders any more; without this a short outage left them PENDING for good. Returns how many.
 */
export async function expireUnreserved(store: OrderDb, deps: OutcomeDeps, now: Date, graceMs: number, limit: number): Promise<number> {
  const ids = await store.orders.pendingExpiredBefore(new Date(now.getTime() - graceMs), limit);
  let expired = 0;
  for (const orderId of ids) {
    const ended = await store.transaction((tx) => endOrder(tx, deps, { orderId, to: 'EXPIRED', reason: 'NEVER_RESERVED', meta: { correlationId: orderId } }));
    if (ended) expired++;
  }
  return expired;
}
