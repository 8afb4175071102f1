import type { InventoryTx, Reservation } from './ports.js';
import { ShortOfStock } from './short-of-stock.js';

export type CommitOutcome =
  | { result: 'committed' }
  | { result: 'already_committed' }
  /** The hold had lapsed, but the units were still there and are now sold. */
  | { result: 'committed_late'; from: Reservation['status'] }
  /** Paid for, yet not ours to sell any more: an operator must step in (refund or restock). */
  | { result: 'cannot_commit'; status: Reservation['status'] | 'missing' };

/** Payment went through: the held units become sold units. */
export async function commitReservation(tx: InventoryTx, orderId: string): Promise<CommitOutcome> {
  const reservation = await tx.reservations.findByOrder(orderId, { lock: true });
  if (!reservation) return { result: 'cannot_commit', status: 'missing' };

  switch (reservation.status) {
    case 'committed':
      return { result: 'already_committed' };
    case 'held':
      for (const line of reservation.lines) await tx.stock.sell(line.productId, line.quantity);
      await tx.reservations.setStatus(reservation.id, 'committed');
      return { result: 'committed' };
    case 'expired':
    case 'released':
      return sellAgain(tx, reservation);
    case 'rejected':
      return { result: 'cannot_commit', status: reservation.status };
  }
}

// The order was confirmed while its hold ran out (a slow payment racing the sweeper). If the
// units are still free, sell them all; otherwise sell none and never go below zero.
async function sellAgain(tx: InventoryTx, reservation: Reservation): Promise<CommitOutcome> {
  if (reservation.lines.length === 0) return { result: 'cannot_commit', status: reservation.status };
  let sold = true;
  try {
    await tx.atomically(async (savepoint) => {
      for (const line of reservation.lines) {
        if (!(await savepoint.stock.sellFromAvailable(line.productId, line.quantity))) throw new ShortOfStock([line.productId]);
      }
    });
  } catch (err) {
    if (!(err instanceof ShortOfStock)) throw err;
    sold = false;
  }
  if (!sold) return { result: 'cannot_commit', status: reservation.status };
  await tx.reservations.setStatus(reservation.id, 'committed', { reason: `COMMITTED_AFTER_${reservation.status.toUpperCase()}` });
  return { result: 'committed_late', from: reservation.status };
}
