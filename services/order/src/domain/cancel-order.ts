import type { Db } from '@shop/db';
import { AppError } from '@shop/errors';
import { findOrderRow, findOrderView } from '../data/order.repository.js';
import { findAttempt } from '../data/payment.repository.js';
import { endOrder, type OutcomeDeps } from './order-outcomes.js';
import { canTransition } from './order-state.js';
import type { Caller, OrderView } from './types.js';

/**
 * The owner cancels a PENDING or RESERVED order. Not once a charge has started: the order
 * row lock orders this against the payment worker's claim, so a charge never runs for a
 * cancelled order and a cancel never undoes a charge in flight.
 */
export async function cancelOrder(db: Db, deps: OutcomeDeps, caller: Caller, orderId: string, requestId: string): Promise<OrderView> {
  await db.transaction(async (trx) => {
    const order = await findOrderRow(trx, orderId, { lock: true });
    if (!order || order.user_id !== caller.id) throw AppError.notFound('Order');
    if (!canTransition(order.status, 'CANCELLED')) {
      throw new AppError('INVALID_STATE', `An order that is ${order.status} cannot be cancelled`, 409);
    }
    const attempt = await findAttempt(trx, orderId);
    if (attempt && attempt.status !== 'PENDING' && attempt.status !== 'VOID') {
      throw new AppError('INVALID_STATE', 'Payment for this order is already under way', 409);
    }
    await endOrder(trx, deps, {
      orderId,
      to: 'CANCELLED',
      reason: 'CANCELLED_BY_CUSTOMER',
      meta: { source: deps.source, correlationId: requestId },
    });
  });
  return (await findOrderView(db, orderId))!;
}
