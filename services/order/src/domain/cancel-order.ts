import { AppError } from '@shop/errors';
import { endOrder, type OutcomeDeps } from './order-outcomes.js';
import { canTransition } from './order-state.js';
import type { OrderDb } from './ports.js';
import type { Caller, OrderView } from './types.js';

/**
 * The owner cancels a PENDING or RESERVED order. Not once a charge has started: the order
 * row lock orders this against the payment worker's claim, so a charge never runs for a
 * cancelled order and a cancel never undoes a charge in flight.
 */
export async function cancelOrder(store: OrderDb, deps: OutcomeDeps, caller: Caller, orderId: string, requestId: string): Promise<OrderView> {
  await store.transaction(async (tx) => {
    const order = await tx.orders.find(orderId, { lock: true });
    if (!order || order.userId !== caller.id) throw AppError.notFound('Order');
    if (!canTransition(order.status, 'CANCELLED')) {
      throw new AppError('INVALID_STATE', `An order that is ${order.status} cannot be cancelled`);
    }
    const attempt = await tx.payments.find(orderId);
    if (attempt && attempt.status !== 'PENDING' && attempt.status !== 'VOID') {
      throw new AppError('INVALID_STATE', 'Payment for this order is already under way');
    }
    await endOrder(tx, deps, {
      orderId,
      to: 'CANCELLED',
      reason: 'CANCELLED_BY_CUSTOMER',
      meta: { correlationId: requestId },
    });
  });
  return (await store.orders.view(orderId))!;
}
