import type { Broker, Subscription } from '@shop/messaging';
import { EventTypes } from '@shop/contracts';
import type { Db } from '@shop/db';
import { knexStores } from '../data/stores.js';
import { removeOrderedItems } from '../domain/order-confirmed.js';

export const ORDER_CONFIRMED_QUEUE = 'cart.order-confirmed';

export function consumeOrderConfirmed(broker: Broker, db: Db, retryDelaysMs?: number[]): Subscription {
  return broker.consume({
    queue: ORDER_CONFIRMED_QUEUE,
    events: [EventTypes.OrderConfirmed],
    db,
    retryDelaysMs,
    handle: async (event, trx) => {
      const { userId, items } = event.data;
      await removeOrderedItems(knexStores(trx), userId, items.map((i) => ({ productId: i.productId, quantity: i.quantity })));
    },
  });
}
