import type { Logger } from '@shop/logger';
import { EventTypes } from '@shop/contracts';
import { resumeTrace, SpanKind } from '@shop/telemetry';
import { endOrder, type OutcomeDeps } from './order-outcomes.js';
import { moveOrder } from './order-state.js';
import { chargeWithTimeout, type ChargeResult, type PaymentProvider } from './payment-provider.js';
import type { OrderDb, OrderTx } from './ports.js';
import type { Order, PaymentAttempt } from './types.js';

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
  // A charge starts only if its answer is due before the order's own expiry: the buyer's time
  // is up then. The order stays RESERVED, uncharged, and the order expiry ends it EXPIRED.
  // (Inventory holds the units until this service says otherwise, docs/decisions.md.)
  const holdUntil = new Date(Date.now() + deps.timeoutMs);
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
  if (result.outcome === 'pending') {
    // Not decided yet (the buyer has a challenge to answer): the attempt stays CHARGING and is
    // asked again when its lease ends; the order expiry waits for the lease, not longer.
    deps.logger.info({ orderId: order.id, reason: result.reason }, 'charge pending at the provider; asked again after the lease');
    return;
  }
  // Still RESERVED means still held: inventory releases an order's units only when this service
  // ends the order (order.expired.v1 and the others), and the expiry never ends an order whose
  // charge is under way. So an approval confirms, even a few seconds past expiresAt.
  const confirmed = await moveOrder(tx.orders, order.id, 'CONFIRMED', null);
  if (!confirmed) {
    // The order ended while the charge was out (its lease ran out first): no sale, the money goes back.
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
