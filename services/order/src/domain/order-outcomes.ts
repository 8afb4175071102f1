import type { Tx } from '@shop/db';
import type { Logger } from '@shop/logger';
import { EventTypes } from '@shop/contracts';
import { findLines, transition, type OrderRow } from '../data/order.repository.js';
import { createAttempt, voidAttempt } from '../data/payment.repository.js';
import { afterCommit, emit, type EventMeta } from './emit.js';
import { sourcesOf, type OrderStatus } from './order-state.js';
import type { RelayKick, StockGate } from './ports.js';

export interface OutcomeDeps {
  gate: StockGate;
  relay: RelayKick;
  /** Wakes the payment worker after a reservation commits. */
  payments: RelayKick;
  logger: Logger;
  source: string;
}

/**
 * inventory.reserved.v1: PENDING → RESERVED and a payment attempt row, in the inbox
 * transaction. The charge itself runs after commit, outside any transaction (payment worker).
 * A second reservation event for the order finds it no longer PENDING and does nothing.
 */
export async function markReserved(trx: Tx, deps: OutcomeDeps, orderId: string): Promise<boolean> {
  const order = await transition(trx, orderId, sourcesOf('RESERVED'), 'RESERVED', null);
  if (!order) {
    deps.logger.info({ orderId }, 'reservation for an order that is not PENDING; ignored');
    return false;
  }
  await createAttempt(trx, { orderId, amount: order.total, currency: order.currency, token: order.payment_token });
  afterCommit(trx, () => deps.payments.kick());
  return true;
}

/** Ends an order without a sale: REJECTED, CANCELLED or EXPIRED; gate units go back after commit. */
export async function endOrder(
  trx: Tx,
  deps: OutcomeDeps,
  input: { orderId: string; to: Extract<OrderStatus, 'REJECTED' | 'CANCELLED' | 'EXPIRED'>; reason: string; meta: EventMeta; from?: OrderStatus[] },
): Promise<OrderRow | undefined> {
  const { orderId, to, reason, meta } = input;
  const order = await transition(trx, orderId, input.from ?? sourcesOf(to), to, reason);
  if (!order) {
    deps.logger.info({ orderId, to }, 'transition not allowed from the current state; ignored');
    return undefined;
  }
  await voidAttempt(trx, orderId, `order ${to.toLowerCase()}`);
  if (to === 'REJECTED') await emit(trx, EventTypes.OrderRejected, { orderId, userId: order.user_id, reason }, meta);
  if (to === 'CANCELLED') await emit(trx, EventTypes.OrderCancelled, { orderId, userId: order.user_id, reason }, meta);
  const lines = order.gate_passed ? await findLines(trx, orderId) : [];
  afterCommit(trx, async () => {
    deps.relay.kick();
    if (lines.length) await deps.gate.giveBack(lines);
  });
  return order;
}
