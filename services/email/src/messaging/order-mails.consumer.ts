import { EventTypes, type AnyEvent } from '@shop/contracts';
import type { Broker, Subscription } from '@shop/messaging';
import { confirmOrder, rejectOrder } from '../domain/notify.js';
import { logOutcome, mailContext, type ConsumerDeps } from './mail-context.js';

export const ORDER_MAILS_QUEUE = 'email.order-mails';

/** order.confirmed.v1 → the confirmation with its lines and total; order.rejected.v1 → the notice. */
export function consumeOrderMails(broker: Broker, deps: ConsumerDeps): Subscription {
  return broker.consume({
    queue: ORDER_MAILS_QUEUE,
    events: [EventTypes.OrderConfirmed, EventTypes.OrderRejected],
    db: deps.db,
    retryDelaysMs: deps.retryDelaysMs,
    prefetch: deps.concurrency,
    handle: async (received, trx) => {
      const event = received as AnyEvent;
      const ctx = mailContext(deps, trx);
      if (event.type === EventTypes.OrderConfirmed) logOutcome(deps.logger, event, await confirmOrder(ctx, event, event.data));
      else if (event.type === EventTypes.OrderRejected) logOutcome(deps.logger, event, await rejectOrder(ctx, event, event.data));
    },
  });
}
