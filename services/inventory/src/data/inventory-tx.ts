import type { UnitOfWorkTx } from '@shop/messaging';
import type { InventoryTx } from '../domain/ports.js';
import { reservationRepository } from './reservation.repository.js';
import { stockRepository } from './stock.repository.js';

/** The domain's view of one unit of work: stores over its transaction, its outbox, its savepoints. */
export function inventoryTx(tx: UnitOfWorkTx): InventoryTx {
  return {
    stock: stockRepository(tx.trx),
    reservations: reservationRepository(tx.trx),
    outbox: { emit: (type, data) => tx.outbox.emit(type, data) },
    atomically: (work) => tx.savepoint((sp) => work(inventoryTx(sp))),
    onCommit: (fn) => tx.onCommit(fn),
  };
}
