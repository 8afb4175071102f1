import type { Broker, Subscription } from '@shop/messaging';
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

export function consumeOrderPlaced(broker: Broker, db: Db, deps: ConsumerDeps, prefetch?: number): Subscription {
  const handle = handleOrderPlaced(deps);
  return broker.consume({
    queue: ORDER_PLACED_QUEUE,
    events: [EventTypes.OrderPlaced],
    db,
    prefetch,
    handle: async (event, trx) => {
      await handle(event, trx);
    },
  });
}
