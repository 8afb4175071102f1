import type { Db } from '@shop/db';
import type { Logger } from '@shop/logger';
import { EventTypes } from '@shop/contracts';
import { findLines, transition } from '../data/order.repository.js';
import { claimDueAttempt, finishAttempt } from '../data/payment.repository.js';
import { emit } from './emit.js';
import { endOrder, type OutcomeDeps } from './order-outcomes.js';
import { chargeWithTimeout, type PaymentProvider } from './payment-provider.js';

export interface ChargeDeps extends OutcomeDeps {
  db: Db;
  provider: PaymentProvider;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Charges the next due payment attempt, outside any transaction, then records the outcome
 * in one: CONFIRMED + order.confirmed.v1, or REJECTED + order.rejected.v1. The attempt row
 * moved to CHARGING before the call, so no other worker charges the same order; if this
 * process dies mid-charge, the lease runs out and the charge is asked again with the same
 * orderId (a real provider dedupes on it as its idempotency key).
 * Returns false when nothing was due.
 */
export async function chargeNextPayment(deps: ChargeDeps): Promise<boolean> {
  const claimed = await claimDueAttempt(deps.db, deps.timeoutMs * 2 + 5_000);
  if (!claimed) return false;
  if ('voided' in claimed) return true;
  const { attempt, order } = claimed;
  const result = await chargeWithTimeout(
    deps.provider,
    { orderId: attempt.orderId, amount: attempt.amount, currency: attempt.currency, token: attempt.token },
    deps.timeoutMs,
  );
  const meta = { source: deps.source, correlationId: order.id };
  await deps.db.transaction(async (trx) => {
    if (result.outcome === 'declined') {
      if (!(await finishAttempt(trx, order.id, 'DECLINED', result.reason))) return;
      await endOrder(trx, deps, { orderId: order.id, to: 'REJECTED', reason: result.reason, meta });
      return;
    }
    const confirmed = await transition(trx, order.id, ['RESERVED'], 'CONFIRMED', null);
    if (!confirmed) {
      // The order expired while the charge was out: the stock is gone, the money must go back.
      deps.logger.error({ orderId: order.id }, 'charge approved for an order that is no longer RESERVED; refund required');
      await finishAttempt(trx, order.id, 'REFUND_REQUIRED', 'order ended while charging');
      return;
    }
    if (!(await finishAttempt(trx, order.id, 'APPROVED', null))) throw new Error('payment attempt was taken over while charging');
    const lines = await findLines(trx, order.id);
    await emit(
      trx,
      EventTypes.OrderConfirmed,
      {
        orderId: order.id,
        userId: order.user_id,
        ...(order.email ? { email: order.email } : {}),
        items: lines.map((l) => ({ productId: l.productId, name: l.name, quantity: l.quantity, unitPrice: l.unitPrice })),
        total: order.total,
        currency: order.currency,
      },
      meta,
    );
  });
  deps.relay.kick();
  return true;
}
