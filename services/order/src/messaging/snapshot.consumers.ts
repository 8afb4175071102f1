import type { AnyEvent } from '@shop/contracts';
import { EventTypes } from '@shop/contracts';
import type { Broker, Subscription } from '@shop/messaging';
import type { Db } from '@shop/db';
import { applyProductEvent, applyUserEvent } from '../domain/snapshots.js';

export const PRODUCT_QUEUE = 'order.product-snapshots';
export const CUSTOMER_QUEUE = 'order.customer-snapshots';

export function consumeProductEvents(broker: Broker, db: Db): Subscription {
  return broker.consume({
    queue: PRODUCT_QUEUE,
    events: [EventTypes.ProductCreated, EventTypes.ProductUpdated, EventTypes.ProductDeleted],
    db,
    handle: (event, trx) => applyProductEvent(trx, event as Extract<AnyEvent, { type: `product.${string}` }>),
  });
}

export function consumeUserEvents(broker: Broker, db: Db): Subscription {
  return broker.consume({
    queue: CUSTOMER_QUEUE,
    events: [EventTypes.UserRegistered, EventTypes.UserProfileUpdated],
    db,
    handle: (event, trx) => applyUserEvent(trx, event as Extract<AnyEvent, { type: `user.${string}` }>),
  });
}
