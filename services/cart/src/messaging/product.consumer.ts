import { eachEvent, type Broker, type Subscription } from '@shop/messaging';
import { EventTypes, type EventOf } from '@shop/contracts';
import type { Db, Tx } from '@shop/db';
import { knexStores } from '../data/stores.js';
import { creatorChanged, productChanged, productDeleted, type CreatorFacts } from '../domain/product-changed.js';

export const PRODUCT_QUEUE = 'cart.product-snapshots';

const EVENTS = [EventTypes.ProductCreated, EventTypes.ProductUpdated, EventTypes.ProductDeleted] as const;
type ProductEvent = EventOf<(typeof EVENTS)[number]>;

async function apply(trx: Tx, event: ProductEvent): Promise<void> {
  const stores = knexStores(trx);
  const at = new Date(event.occurredAt);
  if (event.type === EventTypes.ProductDeleted) return productDeleted(stores, event.data.productId, at);
  return productChanged(stores, event.data, at);
}

/**
 * Keeps product_snapshots in step with the catalog, up to 100 events per transaction (one
 * commit instead of a hundred: a catalog import or a price sweep arrives as a burst). The
 * inbox makes redeliveries no-ops; a batch that fails is retried one message at a time.
 */
export function consumeProductEvents(broker: Broker, db: Db, retryDelaysMs?: number[]): Subscription {
  return broker.consumeBatch({
    queue: PRODUCT_QUEUE,
    events: EVENTS,
    db,
    retryDelaysMs,
    batchSize: 100,
    maxWaitMs: 10,
    handleBatch: async (events, trx) => {
      // Product-id order (stable, so one product's events keep their order): two replicas'
      // batches then lock snapshot rows in the same order and cannot deadlock. Each write
      // applies only data newer than what it finds, so reordering across products is harmless.
      const sorted = [...events].sort((a, b) => a.data.productId.localeCompare(b.data.productId));
      // The creators they name first, in creator-id order, for the same reason (two batches
      // naming two creators in opposite orders would otherwise lock them crosswise).
      const creators = sorted.flatMap((e): CreatorFacts[] => ('creator' in e.data && e.data.creator ? [e.data.creator] : []));
      creators.sort((a, b) => a.creatorId.localeCompare(b.creatorId) || a.version - b.version);
      const stores = knexStores(trx);
      for (const creator of creators) await creatorChanged(stores, creator);
      await eachEvent(sorted, (event) => apply(trx, event));
    },
  });
}
