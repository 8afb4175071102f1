import type { DbOrTx } from '@shop/db';
import { createUnitOfWork } from '@shop/messaging';
import type { Stores } from '../domain/ports.js';
import { cartRepository } from './cart.repository.js';
import { creatorSnapshotRepository, productSnapshotRepository } from './product-snapshot.repository.js';

/**
 * The repositories over one connection or transaction, as the domain sees them;
 * `transaction` is the shared unit of work (joined when `db` already is a transaction).
 * The cart writes no events, so its unit of work names no relay.
 */
export function knexStores(db: DbOrTx): Stores {
  const uow = createUnitOfWork({ db, source: 'cart' });
  const stores: Stores = {
    carts: cartRepository(db),
    products: productSnapshotRepository(db),
    creators: creatorSnapshotRepository(db),
    transaction: (work) => uow.run(({ trx }) => work(trx === db ? stores : knexStores(trx))),
  };
  return stores;
}
