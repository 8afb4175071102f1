import { EventTypes } from '@shop/contracts';
import type { Broker, Subscription, UnitOfWork } from '@shop/messaging';
import { createPurchaseLedger } from '../data/recommendation.repository.js';
import type { RecommendationCache } from '../domain/ports.js';
import { countConfirmedOrders } from '../domain/recommendations.js';

export const CO_PURCHASE_QUEUE = 'product.co-purchases';

export interface CoPurchaseOptions {
  /** Products of one order that count (CO_PURCHASE_MAX_PRODUCTS): bounds the pair rows per event. */
  maxProducts: number;
  batchSize?: number;
  retryDelaysMs?: number[];
}

/**
 * order.confirmed.v1 → co-purchase and sales counts, through the inbox: the inbox rows, the
 * counted-order rows and the counts commit together, so a redelivered event (or the same order
 * under a new event id) adds nothing. Batched: up to 50 confirmations are summed in memory and
 * written as one upsert per table, in key order (a drop's confirmations touch the same rows;
 * one row update per batch instead of one per order). A failed batch falls back to one event
 * per transaction (@shop/messaging). After the commit the changed products' cached answers go.
 */
export function consumeCoPurchases(broker: Broker, uow: UnitOfWork, cache: RecommendationCache, options: CoPurchaseOptions): Subscription {
  return broker.consumeBatch({
    queue: CO_PURCHASE_QUEUE,
    events: [EventTypes.OrderConfirmed],
    db: uow.db,
    batchSize: options.batchSize ?? 50,
    maxWaitMs: 20,
    retryDelaysMs: options.retryDelaysMs,
    handleBatch: async (events, trx) => {
      const orders = events.map((e) => ({ orderId: e.data.orderId, lines: e.data.items }));
      const changed = await countConfirmedOrders(createPurchaseLedger(trx), orders, options.maxProducts);
      if (changed.length > 0) uow.join(trx).onCommit(() => cache.coPurchasesChanged(changed));
    },
  });
}
