import { randomUUID } from 'node:crypto';
import type { InventoryTx } from './ports.js';

export type ReleaseOutcome =
  | { result: 'released' }
  /** Nothing held (already released, expired, committed or rejected): nothing to do. */
  | { result: 'nothing_held' }
  /** The order ended before its order.placed.v1 reached us: remember that, so it never reserves. */
  | { result: 'closed_before_reserving' };

/** The order will not be paid (rejected or cancelled): held units go back on sale. */
export async function releaseReservation(tx: InventoryTx, orderId: string, reason: string, now: Date): Promise<ReleaseOutcome> {
  let reservation = await tx.reservations.findByOrder(orderId, { lock: true });
  if (!reservation) {
    const closed = await tx.reservations.claim({ id: randomUUID(), orderId, status: 'released', reason, expiresAt: now });
    if (closed) return { result: 'closed_before_reserving' };
    // order.placed.v1 won the race for the row a moment ago; release what it took.
    reservation = await tx.reservations.findByOrder(orderId, { lock: true });
    if (!reservation) throw new Error(`reservation for order ${orderId} vanished`);
  }
  if (reservation.status !== 'held') return { result: 'nothing_held' };

  for (const line of reservation.lines) await tx.stock.putBack(line.productId, line.quantity);
  await tx.reservations.setStatus(reservation.id, 'released', { reason });
  await tx.outbox.emit('inventory.released.v1', { orderId, reason });
  return { result: 'released' };
}
