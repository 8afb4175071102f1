import type { Broker, Subscription } from '@shop/messaging';
import type { Db } from '@shop/db';
import { EventTypes, type Event } from '@shop/contracts';
import { stockRepository } from '../data/stock.repository.js';
import { closeStock, openStock } from '../domain/product-stock.js';
import type { ConsumerDeps } from './handler-context.js';

export const PRODUCT_EVENTS_QUEUE = 'inventory.product-events';

type ProductEvent = Event<'product.created.v1'> | Event<'product.deleted.v1'>;

/** product.created.v1 opens the stock record; product.deleted.v1 only marks it. */
export function consumeProductEvents(broker: Broker, db: Db, deps: ConsumerDeps): Subscription {
  return broker.consume({
    queue: PRODUCT_EVENTS_QUEUE,
    events: [EventTypes.ProductCreated, EventTypes.ProductDeleted],
    db,
    handle: async (received, trx) => {
      const event = received as ProductEvent; // the broker parsed it; this only narrows by type
      const stock = stockRepository(trx);
      if (event.type === EventTypes.ProductCreated) {
        const opened = await openStock(stock, event.data.productId, event.data.initialStock ?? 0);
        if (!opened) deps.logger.info({ productId: event.data.productId }, 'stock record already exists; left as is');
      } else {
        await closeStock(stock, event.data.productId);
      }
    },
  });
}
