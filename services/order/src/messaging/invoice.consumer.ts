import { EventTypes } from '@shop/contracts';
import type { Broker, Subscription, UnitOfWork } from '@shop/messaging';
import { issueInvoice, type InvoiceDeps } from '../domain/invoices.js';
import { joinInvoiceTx } from '../data/invoice.repository.js';

export const INVOICE_QUEUE = 'order.invoices';

/**
 * order.confirmed.v1 → the order's invoice and invoice.issued.v1, in the inbox transaction:
 * a redelivered event is skipped by the inbox, and the number, the row and the event commit
 * together or not at all. One message per transaction: the year's counter row is locked until
 * the commit, so a batch would only make everyone wait longer.
 */
export function consumeConfirmedOrders(broker: Broker, uow: UnitOfWork, deps: InvoiceDeps): Subscription {
  return broker.consume({
    queue: INVOICE_QUEUE,
    events: [EventTypes.OrderConfirmed],
    db: uow.db,
    handle: async (event, trx) => {
      const meta = { correlationId: event.correlationId };
      await issueInvoice(joinInvoiceTx(uow, trx, meta), deps, event.data.orderId, meta);
    },
  });
}
