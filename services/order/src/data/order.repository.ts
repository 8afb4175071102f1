import type { DbOrTx } from '@shop/db';
import type { OrderStore } from '../domain/ports.js';
import type { NewOrder, OrderStatus, PricedLine } from '../domain/types.js';
import { listOrders, parseCursor } from './order-list.repository.js';
import { toOrder, toViews, type OrderRow } from './order-rows.js';

const sumByProduct = (rows: unknown): Map<string, number> =>
  new Map((rows as Array<{ productId: string; units: string }>).map((r) => [r.productId, Number(r.units)]));

export function orderRepository(db: DbOrTx): OrderStore {
  const findRow = (orderId: string, lock = false): Promise<OrderRow | undefined> => {
    const q = db<OrderRow>('orders').where('id', orderId).first();
    if (lock) q.forUpdate();
    return q;
  };
  const unitsByProduct = (productIds: string[]) =>
    db('order_lines as l')
      .join('orders as o', 'o.id', 'l.order_id')
      .whereIn('l.product_id', productIds)
      .groupBy('l.product_id')
      .select('l.product_id as productId')
      .sum({ units: 'l.quantity' });

  return {
    async insert(order: NewOrder, status: OrderStatus) {
      await db('orders').insert({
        id: order.id,
        user_id: order.userId,
        email: order.email,
        status,
        total: order.total,
        currency: order.currency,
        payment_token: order.paymentToken,
        gate_passed: order.gatePassed,
        shipping_name: order.shipping.name,
        shipping_phone: order.shipping.phone,
        shipping_address: order.shipping.address ? JSON.stringify(order.shipping.address) : null,
        shipping_address_from_profile: order.addressFromProfile,
        expires_at: order.expiresAt,
      });
      await db('order_lines').insert(
        order.lines.map((l) => ({ order_id: order.id, product_id: l.productId, name: l.name, unit_price: l.unitPrice, quantity: l.quantity })),
      );
    },
    async setStatusIf(orderId, from, to) {
      const [row] = await db<OrderRow>('orders')
        .where('id', orderId)
        .whereIn('status', from)
        .update({ status: to, updated_at: db.fn.now() })
        .returning('*');
      return row ? toOrder(row as OrderRow) : undefined;
    },
    async appendHistory(orderId, status, reason) {
      await db('order_status_history').insert({ order_id: orderId, status, reason });
    },
    async find(orderId, options = {}) {
      const row = await findRow(orderId, options.lock);
      return row ? toOrder(row) : undefined;
    },
    lines: (orderId) => findLines(db, orderId),
    async view(orderId) {
      const row = await findRow(orderId);
      if (!row) return undefined;
      const [view] = await toViews(db, [row]);
      return view;
    },
    list: (query) => listOrders(db, query),
    parseCursor,
    async unitsOrdered(userId, productIds, statuses) {
      return sumByProduct(await unitsByProduct(productIds).where('o.user_id', userId).whereIn('o.status', statuses));
    },
    async pendingUnits(productIds) {
      return sumByProduct(await unitsByProduct(productIds).where('o.status', 'PENDING'));
    },
    async pendingExpiredBefore(before, limit) {
      return db('orders').where('status', 'PENDING').where('expires_at', '<', before).orderBy('expires_at').limit(limit).pluck('id');
    },
    async reservedExpiredBefore(before, limit) {
      return db('orders as o')
        .where('o.status', 'RESERVED')
        .where('o.expires_at', '<', before)
        .whereNotExists((q) => q.select(db.raw('1')).from('payment_attempts as a').whereRaw('a.order_id = o.id').where('a.status', 'CHARGING').where('a.claimed_until', '>', db.fn.now()))
        .orderBy('o.expires_at')
        .limit(limit)
        .pluck('o.id');
    },
    async lock(orderIds) {
      if (orderIds.length) await db('orders').whereIn('id', orderIds).orderBy('id').forUpdate().select('id');
    },
    async lockCustomer(userId) {
      await db.raw('select pg_advisory_xact_lock(4031, hashtext(?))', [userId]);
    },
    followProfile: (userId, change, except) =>
      db('orders')
        .where('user_id', userId)
        .whereNotIn('status', except)
        .update({
          shipping_name: change.name,
          ...(change.phone ? { shipping_phone: change.phone } : {}),
          ...(change.address
            ? { shipping_address: db.raw('case when shipping_address_from_profile then ?::jsonb else shipping_address end', [JSON.stringify(change.address)]) }
            : {}),
          updated_at: db.fn.now(),
        }),
  };
}

async function findLines(db: DbOrTx, orderId: string): Promise<PricedLine[]> {
  const rows = await db('order_lines').where('order_id', orderId).orderBy('product_id');
  return rows.map((r) => ({ productId: r.product_id, name: r.name, unitPrice: r.unit_price, quantity: r.quantity }));
}

/**
 * Orders waiting in an open status, for the metrics: PENDING (for inventory; its age from the
 * placing) and RESERVED (for the payment; its age from the reservation, the row's last update).
 * One statement; each half reads its own partial index (orders_pending_idx, orders_reserved_idx).
 */
export async function openBacklog(db: DbOrTx): Promise<{ pending: Backlog; reserved: Backlog }> {
  const { rows } = (await db.raw(`
    SELECT p.count AS pending, p.age AS pending_age, r.count AS reserved, r.age AS reserved_age
      FROM (SELECT count(*)::int AS count, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float AS age
              FROM orders WHERE status = 'PENDING') p,
           (SELECT count(*)::int AS count, coalesce(extract(epoch FROM now() - min(updated_at)), 0)::float AS age
              FROM orders WHERE status = 'RESERVED') r`)) as { rows: Array<Record<string, number>> };
  const r = rows[0] ?? {};
  return {
    pending: { count: Number(r.pending ?? 0), oldestAgeSeconds: Number(r.pending_age ?? 0) },
    reserved: { count: Number(r.reserved ?? 0), oldestAgeSeconds: Number(r.reserved_age ?? 0) },
  };
}
interface Backlog {
  count: number;
  oldestAgeSeconds: number;
}
