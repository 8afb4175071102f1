import { byType, type Broker, type Subscription } from '@shop/messaging';
import type { Db } from '@shop/db';
import { EventTypes } from '@shop/contracts';
import { stockRepository } from '../data/stock.repository.js';
import { closeStock, openStock } from '../domain/product-stock.js';
import type { ConsumerDeps } from './handler-context.js';

export const PRODUCT_EVENTS_QUEUE = 'inventory.product-events';

/** product.created.v1 opens the stock record; product.deleted.v1 only marks it. */
export function consumeProductEvents(broker: Broker, db: Db, deps: ConsumerDeps): Subscription {
  return broker.consume({
    queue: PRODUCT_EVENTS_QUEUE,
    events: [EventTypes.ProductCreated, EventTypes.ProductDeleted],
    db,
    handle: byType({
      [EventTypes.ProductCreated]: async (event, trx) => {
        const opened = await openStock(stockRepository(trx), event.data.productId, event.data.initialStock ?? 0);
        if (!opened) deps.logger.info({ productId: event.data.productId }, 'stock record already exists; left as is');
      },
      [EventTypes.ProductDeleted]: async (event, trx) => void (await closeStock(stockRepository(trx), event.data.productId)),
    }),
  });
}
