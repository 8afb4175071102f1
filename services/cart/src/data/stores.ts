import type { Db, DbOrTx } from '@shop/db';
import type { Stores } from '../domain/ports.js';
import { cartRepository } from './cart.repository.js';
import { productSnapshotRepository } from './product-snapshot.repository.js';

/** The repositories over one connection or transaction, as the domain sees them. */
export function knexStores(db: DbOrTx): Stores {
  const stores: Stores = {
    carts: cartRepository(db),
    products: productSnapshotRepository(db),
    transaction: (work) => (db.isTransaction ? work(stores) : (db as Db).transaction((trx) => work(knexStores(trx)))),
  };
  return stores;
}
