import type { Cache } from '@shop/cache';
import { EventTypes } from '@shop/contracts';
import type { Broker, Subscription } from '@shop/messaging';
import { CATALOG_NAMESPACE } from '../graphql/response-cache.js';

export const GRAPHQL_CACHE_QUEUE = 'product.graphql-cache';

/**
 * Product and creator events → a new catalogue version for the GraphQL response cache: every cached
 * products/product/categories answer is unreachable from then on. No inbox: a redelivered
 * event only bumps the version once more, which costs one cache miss.
 */
export function consumeCatalogChanges(broker: Broker, cache: Cache): Subscription {
  return broker.consume({
    queue: GRAPHQL_CACHE_QUEUE,
    // A creator's profile shows on its products (Product.creator), so its change is a catalogue change.
    events: [EventTypes.ProductCreated, EventTypes.ProductUpdated, EventTypes.ProductDeleted, EventTypes.CreatorUpdated],
    handle: async () => {
      await cache.bumpVersion(CATALOG_NAMESPACE);
    },
  });
}
