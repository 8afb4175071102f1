import { randomUUID } from 'node:crypto';
import { EventTypes } from '@shop/contracts';
import { AppError } from '@shop/errors';
import { PermanentError } from '@shop/messaging';
import type { Invoice, InvoiceRenderer, InvoiceStore, InvoiceTx, Seller } from './invoice-ports.js';
import type { EventMeta, OrderStore } from './ports.js';
import type { Caller } from './types.js';

export interface InvoiceDeps {
  seller: Seller;
  renderer: InvoiceRenderer;
  now?: () => Date;
}

export const invoiceNumber = (year: number, seq: number): string => `INV-${year}-${String(seq).padStart(6, '0')}`;

/**
 * Issues the invoice of a confirmed order, once: an order that has one already gets nothing
 * new (the consumer's inbox stops a redelivered event first; this also covers a second event
 * for the same order). The number, the invoice row and invoice.issued.v1 commit together, so
 * a failure anywhere leaves no number used.
 */
export async function issueInvoice(tx: InvoiceTx, deps: InvoiceDeps, orderId: string, meta: EventMeta): Promise<Invoice | undefined> {
  if (await tx.invoices.findByOrder(orderId)) return undefined;
  const order = await tx.orders.find(orderId);
  if (!order) throw new PermanentError(`order ${orderId} is not in this service's database`);
  if (order.status !== 'CONFIRMED') throw new PermanentError(`order ${orderId} is ${order.status}, not CONFIRMED`);
  const lines = await tx.orders.lines(orderId);
  const issuedAt = (deps.now ?? (() => new Date()))();
  const year = issuedAt.getUTCFullYear();
  const seq = await tx.invoices.nextNumber(year);
  const content = {
    number: invoiceNumber(year, seq),
    orderId,
    issuedAt,
    seller: deps.seller,
    buyer: { name: order.shipping.name, email: order.email, phone: order.shipping.phone, address: order.shipping.address },
    lines,
    total: order.total,
    currency: order.currency,
  };
  const invoice: Invoice = { ...content, id: randomUUID(), userId: order.userId, year, seq, pdf: await deps.renderer.render(content) };
  await tx.invoices.insert(invoice);
  await tx.emit(
    EventTypes.InvoiceIssued,
    {
      invoiceId: invoice.id,
      number: invoice.number,
      orderId,
      userId: order.userId,
      email: order.email ?? undefined,
      items: lines.map((l) => ({ productId: l.productId, name: l.name, quantity: l.quantity, unitPrice: l.unitPrice })),
      total: order.total,
      currency: order.currency,
      issuedAt: issuedAt.toISOString(),
      pdf: invoice.pdf.toString('base64'),
    },
    meta,
  );
  return invoice;
}

const isAdmin = (caller: Caller) => caller.roles.includes('admin');

/**
 * The invoice of the caller's order (an admin's: anyone's). Another user's order is a 404 as
 * everywhere; an order that is not confirmed has none (409 ORDER_NOT_CONFIRMED); a confirmed
 * one whose invoice is still being made, a moment after the confirmation, is 409
 * INVOICE_NOT_READY with Retry-After.
 */
export async function invoiceFor(orders: Pick<OrderStore, 'find'>, invoices: Pick<InvoiceStore, 'findByOrder'>, caller: Caller, orderId: string): Promise<Invoice> {
  const order = await orders.find(orderId);
  if (!order || (order.userId !== caller.id && !isAdmin(caller))) throw AppError.notFound('Order');
  if (order.status !== 'CONFIRMED') throw new AppError('ORDER_NOT_CONFIRMED', `The order is ${order.status}; only a confirmed order has an invoice`);
  const invoice = await invoices.findByOrder(orderId);
  if (!invoice) throw new AppError('INVOICE_NOT_READY', 'The invoice is being made; retry in a moment', { headers: { 'Retry-After': '1' } });
  return invoice;
}
