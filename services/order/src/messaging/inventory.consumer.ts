import type { AnyEvent, EventEnvelope } from '@shop/contracts';
import { EventTypes } from '@shop/contracts';
import { eachEvent, type Broker, type Subscription, type UnitOfWork } from '@shop/messaging';
import { endOrder, markReserved, type OutcomeDeps } from '../domain/order-outcomes.js';
import type { OrderTx } from '../domain/ports.js';
import { joinOrderTx } from '../data/order-stores.js';

export const INVENTORY_QUEUE = 'order.inventory';

/**
 * Inventory's answers to order.placed.v1, in batches: one inbox transaction (one commit) for
 * up to 50 answers, so a redelivery does nothing; a stale or out-of-order answer fails the
 * optimistic transition and is ignored. Any error sends the batch through one by one.
 */
export function consumeInventoryEvents(broker: Broker, uow: UnitOfWork, deps: OutcomeDeps): Subscription {
  return broker.consumeBatch({
    queue: INVENTORY_QUEUE,
    events: [EventTypes.InventoryReserved, EventTypes.InventoryRejected, EventTypes.InventoryReleased],
    db: uow.db,
    batchSize: 50,
    maxWaitMs: 10,
    handleBatch: async (events, trx) => {
      const tx = joinOrderTx(uow, trx);
      await eachEvent(events, (event) => applyInventoryEvent(tx, deps, event));
    },
  });
}

async function applyInventoryEvent(tx: OrderTx, deps: OutcomeDeps, raw: EventEnvelope): Promise<void> {
  const event = raw as AnyEvent;
  const meta = { correlationId: event.correlationId };
  switch (event.type) {
    case 'inventory.reserved.v1':
      await markReserved(tx, deps, event.data.orderId);
      return;
    case 'inventory.rejected.v1': {
      const reason = event.data.reason || 'OUT_OF_STOCK';
      if (reason === 'ORDER_EXPIRED') {
        // Inventory took nothing: the order outlived its own deadline before it got there.
        await endOrder(tx, deps, { orderId: event.data.orderId, to: 'EXPIRED', reason, meta });
        return;
      }
      const short = event.data.productIds?.length ? event.data.productIds : 'all';
      await endOrder(tx, deps, { orderId: event.data.orderId, to: 'REJECTED', reason, meta, soldOut: reason === 'OUT_OF_STOCK' ? short : [] });
      return;
    }
    case 'inventory.released.v1':
      // Releases that follow our own reject, cancel or expiry need nothing. An EXPIRED release
      // came from inventory's old clock-driven sweeper (a replica from before the rolling
      // upgrade): those units are gone, so the order cannot be sold any more.
      if (event.data.reason === 'EXPIRED') {
        await endOrder(tx, deps, { orderId: event.data.orderId, to: 'EXPIRED', reason: 'RESERVATION_EXPIRED', meta });
      }
      return;
    default:
      return;
  }
}
