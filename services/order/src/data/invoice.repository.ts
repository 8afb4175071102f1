import type { DbOrTx, Tx } from '@shop/db';
import type { UnitOfWork } from '@shop/messaging';
import type { Invoice, InvoiceStore, InvoiceTx } from '../domain/invoice-ports.js';
import { orderRepository } from './order.repository.js';

interface InvoiceRow {
  id: string;
  order_id: string;
  user_id: string;
  year: number;
  seq: number;
  number: string;
  total: number;
  currency: string;
  seller: Invoice['seller'];
  buyer: Invoice['buyer'];
  lines: Invoice['lines'];
  pdf: Buffer;
  issued_at: Date;
}

const toInvoice = (r: InvoiceRow): Invoice => ({
  id: r.id,
  orderId: r.order_id,
  userId: r.user_id,
  year: r.year,
  seq: r.seq,
  number: r.number,
  total: r.total,
  currency: r.currency,
  seller: r.seller,
  buyer: r.buyer,
  lines: r.lines,
  pdf: r.pdf,
  issuedAt: r.issued_at,
});

export function invoiceRepository(db: DbOrTx): InvoiceStore {
  return {
    async findByOrder(orderId) {
      const row = await db<InvoiceRow>('invoices').where({ order_id: orderId }).first();
      return row ? toInvoice(row) : undefined;
    },
    async nextNumber(year) {
      // The year's row is made once; the UPDATE then takes its lock until the transaction ends.
      await db('invoice_counters').insert({ year, last_number: 0 }).onConflict('year').ignore();
      const [row] = await db('invoice_counters').where({ year }).increment('last_number', 1).returning('last_number');
      return Number((row as { last_number: number }).last_number);
    },
    async insert(i) {
      await db('invoices').insert({
        id: i.id,
        order_id: i.orderId,
        user_id: i.userId,
        year: i.year,
        seq: i.seq,
        number: i.number,
        total: i.total,
        currency: i.currency,
        seller: JSON.stringify(i.seller),
        buyer: JSON.stringify(i.buyer),
        lines: JSON.stringify(i.lines),
        pdf: i.pdf,
        issued_at: i.issuedAt,
      });
    },
  };
}

/** The invoicing view of a consumer's inbox transaction: its events go out through the unit of work's outbox. */
export function joinInvoiceTx(uow: UnitOfWork, trx: Tx, meta: { correlationId: string }): InvoiceTx {
  const tx = uow.join(trx, meta);
  return {
    orders: orderRepository(trx),
    invoices: invoiceRepository(trx),
    emit: async (type, data, m) => void (await tx.outbox.emit(type, data, m)),
  };
}
