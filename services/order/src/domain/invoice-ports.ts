import type { EventData, EventType } from '@shop/contracts';
import type { EventMeta, OrderStore } from './ports.js';
import type { Address, PricedLine } from './types.js';

/** What invoicing needs from storage, the outbox and a document renderer; data/ and documents/ implement it. */

export interface Seller {
  name: string;
  address: string[];
  vatId: string;
}

export interface Buyer {
  name: string | null;
  email: string | null;
  phone: string | null;
  address: Address | null;
}

export interface InvoiceContent {
  /** `INV-2026-000042`: the year and its gapless sequence number. */
  number: string;
  orderId: string;
  issuedAt: Date;
  seller: Seller;
  buyer: Buyer;
  lines: PricedLine[];
  total: number;
  currency: string;
}

export interface Invoice extends InvoiceContent {
  id: string;
  userId: string;
  year: number;
  seq: number;
  pdf: Buffer;
}

export interface InvoiceStore {
  findByOrder(orderId: string): Promise<Invoice | undefined>;
  /**
   * The year's next number from its counter row (UPDATE ... RETURNING), in the caller's
   * transaction: the row stays locked until it ends, and a rollback gives the number back.
   */
  nextNumber(year: number): Promise<number>;
  insert(invoice: Invoice): Promise<void>;
}

/** Turns what an invoice says into its document (a PDF). */
export interface InvoiceRenderer {
  render(content: InvoiceContent): Promise<Buffer>;
}

/** One transaction: the order it reads, the invoice it writes and the event that announces it. */
export interface InvoiceTx {
  orders: Pick<OrderStore, 'find' | 'lines'>;
  invoices: InvoiceStore;
  emit<T extends EventType>(type: T, data: EventData<T>, meta: EventMeta): Promise<void>;
}
