import type { DbOrTx, Tx } from '@shop/db';
import type { UnitOfWork, UnitOfWorkTx } from '@shop/messaging';
import type { EventMeta, OrderDb, OrderStores, OrderTx } from '../domain/ports.js';
import { countTransition } from '../metrics.js';
import { customerSnapshotRepository } from './customer-snapshot.repository.js';
import { idempotencyRepository } from './idempotency.repository.js';
import { orderRepository } from './order.repository.js';
import { paymentRepository } from './payment.repository.js';
import { productSnapshotRepository } from './product-snapshot.repository.js';

function stores(db: DbOrTx): OrderStores {
  return {
    orders: orderRepository(db),
    payments: paymentRepository(db),
    idempotency: idempotencyRepository(db),
    products: productSnapshotRepository(db),
    customers: customerSnapshotRepository(db),
  };
}

/** The domain's view of one unit-of-work transaction: the stores bound to it, its outbox. */
function bind(tx: UnitOfWorkTx): OrderTx {
  const bound = stores(tx.trx);
  // Every status an order reaches is one history row (openOrder, moveOrder); it is counted
  // once the transaction that wrote it has committed, never for a rolled-back move.
  const orders: OrderStores['orders'] = {
    ...bound.orders,
    appendHistory: async (orderId, status, reason) => {
      await bound.orders.appendHistory(orderId, status, reason);
      tx.onCommit(() => countTransition(status, reason));
    },
  };
  return {
    ...bound,
    orders,
    emit: async (type, data, meta) => void (await tx.outbox.emit(type, data, meta)),
    onCommit: (fn) => tx.onCommit(fn),
  };
}

/** The stores over the pool; a transaction is a unit of work (the relay is kicked after it commits). */
export function orderDb(uow: UnitOfWork): OrderDb {
  return { ...stores(uow.db), transaction: (work) => uow.run((tx) => work(bind(tx))) };
}

/** The same view over a transaction a consumer's inbox opened (and will commit). */
export function joinOrderTx(uow: UnitOfWork, trx: Tx, meta?: EventMeta): OrderTx {
  return bind(uow.join(trx, meta));
}
