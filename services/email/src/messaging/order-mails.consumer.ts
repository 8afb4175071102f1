import { EventTypes } from '@shop/contracts';
import type { Broker, Subscription } from '@shop/messaging';
import { confirmOrder, rejectOrder } from '../domain/notify.js';
import { consumeMailEvents, type ConsumerDeps } from './mail-context.js';

export const ORDER_MAILS_QUEUE = 'email.order-mails';

/** order.confirmed.v1 → the confirmation with its lines and total; order.rejected.v1 → the notice. */
export function consumeOrderMails(broker: Broker, deps: ConsumerDeps): Subscription {
  return consumeMailEvents(broker, deps, ORDER_MAILS_QUEUE, {
    [EventTypes.OrderConfirmed]: (event, ctx) => confirmOrder(ctx, event, event.data),
    [EventTypes.OrderRejected]: (event, ctx) => rejectOrder(ctx, event, event.data),
  });
}
