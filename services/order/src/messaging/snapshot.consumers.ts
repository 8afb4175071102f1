import type { AnyEvent } from '@shop/contracts';
import { EventTypes } from '@shop/contracts';
import { eachEvent, type Broker, type Subscription, type UnitOfWork } from '@shop/messaging';
import { applyProductEvent, applyUserEvent } from '../domain/snapshots.js';
import { joinOrderTx } from '../data/order-stores.js';

type ProductEvent = Extract<AnyEvent, { type: `product.${string}` }>;
const productIdOf = (e: { data: unknown }): string => (e.data as { productId: string }).productId;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const PRODUCT_QUEUE = 'order.product-snapshots';
export const CUSTOMER_QUEUE = 'order.customer-snapshots';

/**
 * Batched (one commit per up to 100 events): a catalogue import or a backlog drains at
 * thousands per second instead of one fsync per event. Applied in delivery order; each
 * upsert keeps only newer data, so order within the batch is the only order that matters.
 */
export function consumeProductEvents(broker: Broker, uow: UnitOfWork): Subscription {
  return broker.consumeBatch({
    queue: PRODUCT_QUEUE,
    events: [EventTypes.ProductCreated, EventTypes.ProductUpdated, EventTypes.ProductDeleted],
    db: uow.db,
    batchSize: 100,
    maxWaitMs: 10,
    handleBatch: async (events, trx) => {
      // In product-id order (stable: one product's events keep their order), so two replicas'
      // batches lock snapshot rows in the same order and never deadlock. Each upsert applies
      // only data newer than what it finds, so reordering across products changes nothing.
      const sorted = [...events].sort((a, b) => cmp(productIdOf(a), productIdOf(b)));
      const tx = joinOrderTx(uow, trx);
      await eachEvent(sorted, (event) => applyProductEvent(tx, event as ProductEvent));
    },
  });
}

export function consumeUserEvents(broker: Broker, uow: UnitOfWork): Subscription {
  return broker.consume({
    queue: CUSTOMER_QUEUE,
    events: [EventTypes.UserRegistered, EventTypes.UserProfileUpdated],
    db: uow.db,
    handle: (event, trx) => applyUserEvent(joinOrderTx(uow, trx), event as Extract<AnyEvent, { type: `user.${string}` }>),
  });
}
