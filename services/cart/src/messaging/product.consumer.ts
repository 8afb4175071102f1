import type { Broker, Subscription } from '@shop/messaging';
import { EventTypes, type AnyEvent } from '@shop/contracts';
import type { Db } from '@shop/db';
import { knexStores } from '../data/stores.js';
import { productChanged, productDeleted } from '../domain/product-changed.js';

export const PRODUCT_QUEUE = 'cart.product-snapshots';

/** Keeps product_snapshots in step with the catalog; the inbox makes redeliveries no-ops. */
export function consumeProductEvents(broker: Broker, db: Db, retryDelaysMs?: number[]): Subscription {
  return broker.consume({
    queue: PRODUCT_QUEUE,
    events: [EventTypes.ProductCreated, EventTypes.ProductUpdated, EventTypes.ProductDeleted],
    db,
    retryDelaysMs,
    handle: async (received, trx) => {
      const event = received as AnyEvent; // the distributive union, so `type` narrows `data`
      const stores = knexStores(trx);
      const at = new Date(event.occurredAt);
      if (event.type === EventTypes.ProductDeleted) return productDeleted(stores, event.data.productId, at);
      if (event.type === EventTypes.ProductCreated || event.type === EventTypes.ProductUpdated) {
        return productChanged(stores, event.data, at);
      }
    },
  });
}
