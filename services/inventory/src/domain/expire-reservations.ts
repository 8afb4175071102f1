import type { InventoryTx } from './ports.js';
import { normaliseLines } from './lines.js';

export const EXPIRED = 'EXPIRED';

/**
 * Gives back the stock of held reservations whose time is up. Each replica runs this; the
 * rows are claimed with SKIP LOCKED, so two sweepers never expire the same reservation.
 * Returns the order ids it expired.
 */
export async function expireReservations(tx: InventoryTx, now: Date, limit: number): Promise<string[]> {
  const due = await tx.reservations.lockExpired(now, limit);
  if (due.length === 0) return [];
  // All lines of the batch at once, in product order: a batch never deadlocks with a reservation.
  for (const line of normaliseLines(due.flatMap((r) => r.lines))) await tx.stock.putBack(line.productId, line.quantity);
  for (const reservation of due) {
    await tx.reservations.setStatus(reservation.id, 'expired', { reason: EXPIRED });
    await tx.outbox.emit('inventory.released.v1', { orderId: reservation.orderId, reason: EXPIRED });
  }
  return due.map((r) => r.orderId);
}
