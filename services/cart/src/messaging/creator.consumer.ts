import type { Broker, Subscription } from '@shop/messaging';
import { EventTypes } from '@shop/contracts';
import type { Db } from '@shop/db';
import { knexStores } from '../data/stores.js';
import { creatorChanged } from '../domain/product-changed.js';

export const CREATOR_QUEUE = 'cart.creator-snapshots';

/**
 * creator.updated.v1 → the cart's copy of the profile, which every line of the creator's
 * products reads: one row per creator, however many carts. The inbox makes a redelivery a
 * no-op, and the profile's version makes an older event that arrives late a no-op too.
 */
export function consumeCreatorEvents(broker: Broker, db: Db, retryDelaysMs?: number[]): Subscription {
  return broker.consume({
    queue: CREATOR_QUEUE,
    events: [EventTypes.CreatorUpdated],
    db,
    retryDelaysMs,
    handle: async (event, trx) => {
      await creatorChanged(knexStores(trx), event.data);
    },
  });
}
