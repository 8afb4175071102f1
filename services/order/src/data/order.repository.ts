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

/** PENDING orders and the age of the oldest, for the metrics (orders_pending_idx keeps it small). */
export async function pendingBacklog(db: DbOrTx): Promise<{ count: number; oldestAgeSeconds: number }> {
  const row = (await db('orders')
    .where('status', 'PENDING')
    .first(db.raw('count(*)::int as count'), db.raw('coalesce(extract(epoch from now() - min(created_at)), 0)::float as age'))) as
    | { count: number; age: number }
    | undefined;
  return { count: Number(row?.count ?? 0), oldestAgeSeconds: Number(row?.age ?? 0) };
}
