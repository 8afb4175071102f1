import type { DbOrTx } from '@shop/db';
import type { Line, Reservation, ReservationStatus, ReservationStore } from '../domain/ports.js';

interface ReservationRow {
  id: string;
  order_id: string;
  status: ReservationStatus;
  reason: string | null;
  rejected_product_ids: string[] | null;
  expires_at: Date;
}

interface LineRow {
  reservation_id: string;
  product_id: string;
  quantity: number;
}

export function reservationRepository(db: DbOrTx): ReservationStore {
  async function withLines(rows: ReservationRow[]): Promise<Reservation[]> {
    if (rows.length === 0) return [];
    const lines = await db<LineRow>('reservation_lines')
      .whereIn('reservation_id', rows.map((r) => r.id))
      .orderBy(['reservation_id', 'product_id']);
    const byReservation = new Map<string, Line[]>();
    for (const l of lines) {
      const list = byReservation.get(l.reservation_id) ?? [];
      list.push({ productId: l.product_id, quantity: l.quantity });
      byReservation.set(l.reservation_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      orderId: r.order_id,
      status: r.status,
      reason: r.reason,
      rejectedProductIds: r.rejected_product_ids,
      expiresAt: r.expires_at,
      lines: byReservation.get(r.id) ?? [],
    }));
  }

  return {
    async claim(r) {
      const rows = await db('reservations')
        .insert({ id: r.id, order_id: r.orderId, status: r.status, reason: r.reason ?? null, expires_at: r.expiresAt })
        .onConflict('order_id')
        .ignore()
        .returning('id');
      return rows.length > 0;
    },
    async findByOrder(orderId, options = {}) {
      const q = db<ReservationRow>('reservations').where({ order_id: orderId });
      if (options.lock) q.forUpdate();
      const [found] = await withLines(await q);
      return found;
    },
    async addLines(reservationId, lines) {
      if (lines.length === 0) return;
      await db('reservation_lines').insert(lines.map((l) => ({ reservation_id: reservationId, product_id: l.productId, quantity: l.quantity })));
    },
    async setStatus(reservationId, status, extra = {}) {
      const patch: Record<string, unknown> = { status, updated_at: db.fn.now() };
      if (extra.reason !== undefined) patch.reason = extra.reason;
      if (extra.rejectedProductIds !== undefined) patch.rejected_product_ids = extra.rejectedProductIds;
      await db('reservations').where({ id: reservationId }).update(patch);
    },
  };
}

/** Seconds the oldest held reservation is past its expires_at (reservations_held_expiry_idx); 0 when none is. */
export async function oldestOverdueHold(db: DbOrTx): Promise<number> {
  const row = (await db('reservations')
    .where('status', 'held')
    .where('expires_at', '<', db.fn.now())
    .first(db.raw('coalesce(extract(epoch from now() - min(expires_at)), 0)::float as age'))) as { age: number } | undefined;
  return Number(row?.age ?? 0);
}
