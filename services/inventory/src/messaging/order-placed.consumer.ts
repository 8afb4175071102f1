import { eachEvent, type Broker, type Subscription } from '@shop/messaging';
import type { Db, Tx } from '@shop/db';
import { EventTypes, type Event } from '@shop/contracts';
import { reserveOrder, type ReserveOutcome } from '../domain/reserve-order.js';
import { txFor, type ConsumerDeps } from './handler-context.js';

export const ORDER_PLACED_QUEUE = 'inventory.order-placed';

/** Reserve all lines or none; the outcome event is written with the effect and the inbox row. */
export function handleOrderPlaced(deps: ConsumerDeps) {
  return async (event: Event<'order.placed.v1'>, trx: Tx): Promise<ReserveOutcome> => {
    const outcome = await reserveOrder(txFor(deps, event, trx), event.data, {
      now: deps.now?.() ?? new Date(),
      ttlSeconds: deps.reservationTtlSeconds,
    });
    deps.logger.info({ orderId: event.data.orderId, ...outcome }, 'order.placed handled');
    return outcome;
  };
}

/**
 * Batched: up to `batchSize` orders commit together (one fsync for the lot instead of one
 * each). Orders are reserved one after another in delivery order; each stays all-or-nothing
 * through reserveOrder's own savepoint around its stock updates, which take lines in product
 * order. Any other error (a deadlock with the other replica, say) aborts the batch, and the
 * consumer then handles its orders one per transaction.
 */
export function consumeOrderPlaced(broker: Broker, db: Db, deps: ConsumerDeps, options: { batchSize?: number; prefetch?: number } = {}): Subscription {
  const handle = handleOrderPlaced(deps);
  return broker.consumeBatch({
    queue: ORDER_PLACED_QUEUE,
    events: [EventTypes.OrderPlaced],
    db,
    batchSize: options.batchSize ?? 50,
    maxWaitMs: 10,
    prefetch: options.prefetch,
    handleBatch: async (events, trx) => {
      await eachEvent(events, (event) => handle(event, trx));
    },
  });
}
