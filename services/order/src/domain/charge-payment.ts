import type { Logger } from '@shop/logger';
import { EventTypes } from '@shop/contracts';
import { resumeTrace, SpanKind } from '@shop/telemetry';
import { endOrder, type OutcomeDeps } from './order-outcomes.js';
import { moveOrder } from './order-state.js';
import { chargeWithTimeout, type ChargeResult, type PaymentProvider } from './payment-provider.js';
import type { OrderDb, OrderTx } from './ports.js';
import type { Order, PaymentAttempt } from './types.js';

/**
 * A confirmation needs this much of the hold left: order.confirmed.v1 still has to pass the
 * outbox relay and inventory's consumer before the sweeper's next look at the hold.
 */
const HOLD_MARGIN_MS = 5_000;

export interface ChargeDeps extends OutcomeDeps {
  store: OrderDb;
  provider: PaymentProvider;
  timeoutMs: number;
  logger: Logger;
  /** Told each charge's result and how long it took (the payment metrics). */
  observe?: (result: ChargeResult, seconds: number) => void;
}

/**
 * Charges due payment attempts, outside any transaction, in batches. The attempt rows moved
 * to CHARGING before the call, so no other worker charges the same order; if this process
 * dies mid-charge, the lease runs out and the charge is asked again with the same orderId
 * (a real provider dedupes on it as its idempotency key). Claims up to `limit` due attempts in one
 * transaction, charges them all at once (outside any transaction), then records every outcome
 * in ONE transaction: two commits per batch instead of two per order. If that transaction
 * fails, each outcome is recorded in its own, so one bad row cannot hold the others back (a
 * row that still fails stays CHARGING and is charged again once its lease runs out).
 * Returns how many attempts it took off the queue (0: nothing was due).
 */
export async function chargeDuePayments(deps: ChargeDeps, limit: number): Promise<number> {
  // Never charge for a hold that ends before the answer could be confirmed (issue 10 #1): the
  // order stays RESERVED, uncharged, until inventory's sweeper releases it and it ends EXPIRED.
  const holdUntil = new Date(Date.now() + deps.timeoutMs + HOLD_MARGIN_MS);
  const { claimed, voided } = await deps.store.payments.claimDue(deps.timeoutMs * 2 + 5_000, limit, holdUntil);
  if (claimed.length === 0) return voided;
  // Each charge continues its order's trace (the attempt remembers it), recording included.
  const spans = claimed.map(({ attempt }: { attempt: PaymentAttempt }) =>
    resumeTrace('payment charge', attempt.traceparent, { kind: SpanKind.CLIENT, attributes: { 'shop.order.id': attempt.orderId } }));
  const results = await Promise.all(
    claimed.map(({ attempt }: { attempt: PaymentAttempt }, i) => spans[i].run(async () => {
      const started = performance.now();
      const result = await chargeWithTimeout(
        deps.provider,
        { orderId: attempt.orderId, amount: attempt.amount, currency: attempt.currency, token: attempt.token },
        deps.timeoutMs,
      );
      deps.observe?.(result, (performance.now() - started) / 1000);
      spans[i].span.setAttribute('shop.payment.outcome', result.outcome);
      return result;
    })),
  );
  try {
    await deps.store.transaction(async (tx) => {
      await tx.orders.lock(claimed.map(({ order }) => order.id));
      for (const [i, { order }] of claimed.entries()) await spans[i].run(() => recordCharge(tx, deps, order, results[i]));
    });
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message, size: claimed.length }, 'recording a batch of charges failed; recording one by one');
    for (const [i, { order }] of claimed.entries()) {
      await spans[i]
        .run(() => deps.store.transaction((tx) => recordCharge(tx, deps, order, results[i])))
        .catch((e) => deps.logger.error({ err: (e as Error).message, orderId: order.id }, 'could not record a charge; its lease will expire'));
    }
  } finally {
    for (const s of spans) s.end();
  }
  return claimed.length + voided;
}

/** CONFIRMED + order.confirmed.v1, or REJECTED + order.rejected.v1, in the caller's transaction. */
async function recordCharge(tx: OrderTx, deps: ChargeDeps, order: Order, result: ChargeResult): Promise<void> {
  const meta = { correlationId: order.id };
  // The order before its attempt, as cancel and inventory's outcomes lock them (no deadlock).
  await tx.orders.lock([order.id]);
  if (result.outcome === 'declined') {
    if (!(await tx.payments.finish(order.id, 'DECLINED', result.reason))) return;
    await endOrder(tx, deps, { orderId: order.id, to: 'REJECTED', reason: result.reason, meta });
    return;
  }
  if (order.expiresAt.getTime() - Date.now() < HOLD_MARGIN_MS) {
    // Inventory holds the units until the order's expiresAt and its sweeper then sells them
    // again: an order confirmed that late would be paid for a unit someone else may get. The
    // order stays RESERVED until the sweeper's release makes it EXPIRED; the money goes back.
    deps.logger.error({ orderId: order.id }, 'charge approved after the hold ran out; not confirmed, refund required');
    await tx.payments.finish(order.id, 'REFUND_REQUIRED', 'the reservation expired while charging');
    return;
  }
  const confirmed = await moveOrder(tx.orders, order.id, 'CONFIRMED', null);
  if (!confirmed) {
    // The order expired while the charge was out: the stock is gone, the money must go back.
    deps.logger.error({ orderId: order.id }, 'charge approved for an order that is no longer RESERVED; refund required');
    await tx.payments.finish(order.id, 'REFUND_REQUIRED', 'order ended while charging');
    return;
  }
  if (!(await tx.payments.finish(order.id, 'APPROVED', null))) throw new Error('payment attempt was taken over while charging');
  const lines = await tx.orders.lines(order.id);
  await tx.emit(
    EventTypes.OrderConfirmed,
    {
      orderId: order.id,
      userId: order.userId,
      ...(order.email ? { email: order.email } : {}),
      items: lines.map((l) => ({ productId: l.productId, name: l.name, quantity: l.quantity, unitPrice: l.unitPrice })),
      total: order.total,
      currency: order.currency,
    },
    meta,
  );
}
