import { EventTypes } from '@shop/contracts';
import type { Broker, Subscription } from '@shop/messaging';
import { confirmOrder, rejectOrder } from '../domain/notify.js';
import { consumeMailEvents, type ConsumerDeps } from './mail-context.js';

export const ORDER_MAILS_QUEUE = 'email.order-mails';

/**
 * invoice.issued.v1 → the confirmation with its lines, total and the invoice PDF attached;
 * order.rejected.v1 → the notice. The confirmation used to follow order.confirmed.v1; that
 * binding is retired, or each confirmation would be mailed twice (once without its invoice).
 */
export function consumeOrderMails(broker: Broker, deps: ConsumerDeps): Subscription {
  return consumeMailEvents(
    broker,
    deps,
    ORDER_MAILS_QUEUE,
    {
      [EventTypes.InvoiceIssued]: (event, ctx) => confirmOrder(ctx, event, event.data),
      [EventTypes.OrderRejected]: (event, ctx) => rejectOrder(ctx, event, event.data),
    },
    [EventTypes.OrderConfirmed],
  );
}
