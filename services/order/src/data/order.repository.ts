import type { DbOrTx } from '@shop/db';
import type { OrderStatus } from '../domain/order-state.js';
import type { Address, OrderView, PricedLine, StatusEntry } from '../domain/types.js';

export interface NewOrder {
  id: string;
  userId: string;
  email: string | null;
  total: number;
  currency: string;
  paymentToken: string;
  gatePassed: boolean;
  shippingName: string | null;
  shippingPhone: string | null;
  shippingAddress: Address | null;
  expiresAt: Date;
  lines: PricedLine[];
}

export interface OrderRow {
  id: string;
  user_id: string;
  email: string | null;
  status: OrderStatus;
  total: number;
  currency: string;
  payment_token: string;
  gate_passed: boolean;
  shipping_name: string | null;
  shipping_phone: string | null;
  shipping_address: Address | null;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

export async function insertOrder(trx: DbOrTx, order: NewOrder): Promise<void> {
  await trx('orders').insert({
    id: order.id,
    user_id: order.userId,
    email: order.email,
    status: 'PENDING',
    total: order.total,
    currency: order.currency,
    payment_token: order.paymentToken,
    gate_passed: order.gatePassed,
    shipping_name: order.shippingName,
    shipping_phone: order.shippingPhone,
    shipping_address: order.shippingAddress ? JSON.stringify(order.shippingAddress) : null,
    expires_at: order.expiresAt,
  });
  await trx('order_lines').insert(
    order.lines.map((l) => ({ order_id: order.id, product_id: l.productId, name: l.name, unit_price: l.unitPrice, quantity: l.quantity })),
  );
  await appendHistory(trx, order.id, 'PENDING', null);
}

export async function appendHistory(trx: DbOrTx, orderId: string, status: OrderStatus, reason: string | null): Promise<void> {
  await trx('order_status_history').insert({ order_id: orderId, status, reason });
}

/**
 * Moves an order only if it is still in one of `from`: two consumers racing on the same
 * order cannot both win. Returns the updated row, or undefined when the move was not legal.
 */
export async function transition(
  trx: DbOrTx,
  orderId: string,
  from: readonly OrderStatus[],
  to: OrderStatus,
  reason: string | null,
): Promise<OrderRow | undefined> {
  const [row] = await trx<OrderRow>('orders')
    .where('id', orderId)
    .whereIn('status', from)
    .update({ status: to, updated_at: trx.fn.now() })
    .returning('*');
  if (row) await appendHistory(trx, orderId, to, reason);
  return row;
}

export async function findOrderRow(db: DbOrTx, orderId: string, options: { lock?: boolean } = {}): Promise<OrderRow | undefined> {
  const q = db<OrderRow>('orders').where('id', orderId).first();
  if (options.lock) q.forUpdate();
  return q;
}

export async function findLines(db: DbOrTx, orderId: string): Promise<PricedLine[]> {
  const rows = await db('order_lines').where('order_id', orderId).orderBy('product_id');
  return rows.map((r) => ({ productId: r.product_id, name: r.name, unitPrice: r.unit_price, quantity: r.quantity }));
}

export async function findOrderView(db: DbOrTx, orderId: string): Promise<OrderView | undefined> {
  const row = await findOrderRow(db, orderId);
  if (!row) return undefined;
  const [views] = await toViews(db, [row]);
  return views;
}

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

/** Units of each product in the user's orders that still count against the cap. */
export async function unitsInOpenOrders(
  db: DbOrTx,
  userId: string,
  productIds: string[],
  openStatuses: readonly OrderStatus[],
): Promise<Map<string, number>> {
  const rows = await db('order_lines as l')
    .join('orders as o', 'o.id', 'l.order_id')
    .where('o.user_id', userId)
    .whereIn('o.status', openStatuses)
    .whereIn('l.product_id', productIds)
    .groupBy('l.product_id')
    .select('l.product_id as productId')
    .sum({ units: 'l.quantity' });
  return new Map((rows as unknown as Array<{ productId: string; units: string }>).map((r) => [r.productId, Number(r.units)]));
}

/** Units in PENDING orders (placed, not yet reserved by inventory), per product. */
export async function pendingUnits(db: DbOrTx, productIds: string[]): Promise<Map<string, number>> {
  const rows = await db('order_lines as l')
    .join('orders as o', 'o.id', 'l.order_id')
    .where('o.status', 'PENDING')
    .whereIn('l.product_id', productIds)
    .groupBy('l.product_id')
    .select('l.product_id as productId')
    .sum({ units: 'l.quantity' });
  return new Map((rows as unknown as Array<{ productId: string; units: string }>).map((r) => [r.productId, Number(r.units)]));
}

/** Serialises one user's placements for the rest of the transaction (the cap check). */
export async function lockUser(trx: DbOrTx, userId: string): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(4031, hashtext(?))', [userId]);
}

export async function updateShippingForUser(
  trx: DbOrTx,
  userId: string,
  shipping: { name: string; phone: string | null; address: Address | null },
  excluded: readonly OrderStatus[],
): Promise<number> {
  return trx('orders')
    .where('user_id', userId)
    .whereNotIn('status', excluded)
    .update({
      shipping_name: shipping.name,
      shipping_phone: shipping.phone,
      shipping_address: shipping.address ? JSON.stringify(shipping.address) : null,
      updated_at: trx.fn.now(),
    });
}
