import { makeEvent } from '@shop/contracts';
import type { DbOrTx, Tx } from '@shop/db';
import { enqueueEvent } from '@shop/messaging';
import type { InventoryTx } from '../domain/ports.js';
import { reservationRepository } from './reservation.repository.js';
import { stockRepository } from './stock.repository.js';

export interface EventOrigin {
  /** `source` of the events written (the instance id). */
  source: string;
  /** Carried over from the event or request that caused them. */
  correlationId?: string;
}

/** The domain's view of one transaction: stores, the outbox, and savepoints. */
export function inventoryTx(trx: Tx, origin: EventOrigin): InventoryTx {
  const bind = (db: DbOrTx): InventoryTx => ({
    stock: stockRepository(db),
    reservations: reservationRepository(db),
    outbox: {
      add: (type, data) => enqueueEvent(db, makeEvent(type, data, { source: origin.source, correlationId: origin.correlationId })),
    },
    // A nested knex transaction is a SAVEPOINT: a throw rolls back to it and the outer one lives on.
    atomically: (work) => (db as Tx).transaction((savepoint) => work(bind(savepoint))),
  });
  return bind(trx);
}
