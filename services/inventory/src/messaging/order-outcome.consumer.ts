import { eachEvent, PermanentError, type Broker, type Subscription } from '@shop/messaging';
import type { Db, Tx } from '@shop/db';
import { EventTypes, type EventOf } from '@shop/contracts';
import { commitReservation } from '../domain/commit-reservation.js';
import { releaseReservation } from '../domain/release-reservation.js';
import { txFor, type ConsumerDeps } from './handler-context.js';
import { reservationsExpired } from '../metrics.js';

export const ORDER_OUTCOMES_QUEUE = 'inventory.order-outcomes';

type OutcomeEvent = EventOf<'order.confirmed.v1' | 'order.rejected.v1' | 'order.cancelled.v1' | 'order.expired.v1'>;

const releaseReason = {
  [EventTypes.OrderRejected]: 'ORDER_REJECTED',
  [EventTypes.OrderCancelled]: 'ORDER_CANCELLED',
  [EventTypes.OrderExpired]: 'ORDER_EXPIRED',
} as const;

/**
 * Confirmed: held units become sold. Rejected, cancelled or expired: held units go back on sale.
 * A hold has no clock of its own here: the order service owns an order's expiry, so a hold
 * lasts until the order's end reaches us, and a confirmation always finds its units.
 */
export function handleOrderOutcome(deps: ConsumerDeps) {
  return async (event: OutcomeEvent, trx: Tx): Promise<void> => {
    const tx = txFor(deps, event, trx);
    const { orderId } = event.data;
    if (event.type === EventTypes.OrderConfirmed) {
      const outcome = await commitReservation(tx, orderId);
      if (outcome.result === 'cannot_commit') {
        // Paid, but the units are gone: retrying cannot help. The dead-letter queue and the
        // failed task make it visible to an operator (refund or restock).
        throw new PermanentError(`order ${orderId} was confirmed but its reservation is ${outcome.status}`);
      }
      deps.logger.info({ orderId, ...outcome }, 'order.confirmed handled');
      return;
    }
    const outcome = await releaseReservation(tx, orderId, releaseReason[event.type], deps.now?.() ?? new Date());
    if (event.type === EventTypes.OrderExpired && outcome.result === 'released') tx.onCommit(() => reservationsExpired.inc());
    deps.logger.info({ orderId, type: event.type, ...outcome }, 'order outcome handled');
  };
}

/** Batched like order.placed: one commit per batch; a PermanentError sends the batch one by one. */
export function consumeOrderOutcomes(broker: Broker, db: Db, deps: ConsumerDeps): Subscription {
  const handle = handleOrderOutcome(deps);
  return broker.consumeBatch({
    queue: ORDER_OUTCOMES_QUEUE,
    events: [EventTypes.OrderConfirmed, EventTypes.OrderRejected, EventTypes.OrderCancelled, EventTypes.OrderExpired],
    db,
    batchSize: 50,
    maxWaitMs: 10,
    handleBatch: async (events, trx) => {
      await eachEvent(events, (event) => handle(event, trx));
    },
  });
}
