import type { AnyEvent } from '@shop/contracts';
import { EventTypes } from '@shop/contracts';
import type { Broker, Subscription } from '@shop/messaging';
import type { Db } from '@shop/db';
import { endOrder, markReserved, type OutcomeDeps } from '../domain/order-outcomes.js';

export const INVENTORY_QUEUE = 'order.inventory';

/**
 * Inventory's answers to order.placed.v1. Each runs in the inbox transaction, so a redelivery
 * does nothing; a stale or out-of-order answer fails the optimistic transition and is ignored.
 */
export function consumeInventoryEvents(broker: Broker, db: Db, deps: OutcomeDeps): Subscription {
  return broker.consume({
    queue: INVENTORY_QUEUE,
    events: [EventTypes.InventoryReserved, EventTypes.InventoryRejected, EventTypes.InventoryReleased],
    db,
    handle: async (raw, trx) => {
      const event = raw as AnyEvent;
      const meta = { source: deps.source, correlationId: event.correlationId };
      switch (event.type) {
        case 'inventory.reserved.v1':
          await markReserved(trx, deps, event.data.orderId);
          return;
        case 'inventory.rejected.v1':
          await endOrder(trx, deps, { orderId: event.data.orderId, to: 'REJECTED', reason: event.data.reason || 'OUT_OF_STOCK', meta });
          return;
        case 'inventory.released.v1':
          // Releases that follow our own reject or cancel need nothing; only an expiry changes the order.
          if (event.data.reason === 'EXPIRED') {
            await endOrder(trx, deps, { orderId: event.data.orderId, to: 'EXPIRED', reason: 'RESERVATION_EXPIRED', meta });
          }
          return;
        default:
          return;
      }
    },
  });
}
