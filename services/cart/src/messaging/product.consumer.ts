import type { Broker, Subscription } from '@shop/messaging';
import { EventTypes } from '@shop/contracts';
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
    handle: async (event, trx) => {
      const stores = knexStores(trx);
      const at = new Date(event.occurredAt);
      if (event.type === EventTypes.ProductDeleted) return productDeleted(stores, event.data.productId, at);
      return productChanged(stores, event.data, at);
    },
  });
}
