import type { DbOrTx } from '@shop/db';
import type { Address, Order, OrderStatus, OrderView, StatusEntry } from '../domain/types.js';

/** A row of `orders`; it never leaves data/. */
export interface OrderRow {
  id: string;
  user_id: string;
  email: string | null;
  status: OrderStatus;
  total: number;
  currency: string;
  payment_token: string;
  gate_passed: boolean;
  shipping_address_from_profile: boolean;
  shipping_name: string | null;
  shipping_phone: string | null;
  shipping_address: Address | null;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

export const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  userId: r.user_id,
  email: r.email,
  status: r.status,
  total: r.total,
  currency: r.currency,
  paymentToken: r.payment_token,
  gatePassed: r.gate_passed,
  shipping: { name: r.shipping_name, phone: r.shipping_phone, address: r.shipping_address },
  addressFromProfile: r.shipping_address_from_profile,
  expiresAt: r.expires_at,
});

/** Rows to API views, with lines and history loaded in two queries for the whole page. */
export async function toViews(db: DbOrTx, rows: OrderRow[]): Promise<OrderView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [lines, history] = await Promise.all([
    db('order_lines').whereIn('order_id', ids).orderBy('product_id'),
    db('order_status_history').whereIn('order_id', ids).orderBy('id'),
  ]);
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    status: r.status,
    items: lines
      .filter((l) => l.order_id === r.id)
      .map((l) => ({ productId: l.product_id, name: l.name, unitPrice: l.unit_price, quantity: l.quantity, lineTotal: l.unit_price * l.quantity })),
    total: r.total,
    currency: r.currency,
    shipping: { name: r.shipping_name, phone: r.shipping_phone, address: r.shipping_address },
    statusHistory: history
      .filter((h) => h.order_id === r.id)
      .map((h): StatusEntry => ({ status: h.status, at: new Date(h.at).toISOString(), reason: h.reason })),
    expiresAt: r.expires_at.toISOString(),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
}
