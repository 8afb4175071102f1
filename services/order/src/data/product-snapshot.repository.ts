import type { DbOrTx } from '@shop/db';
import type { ProductStore } from '../domain/ports.js';
import type { ProductSnapshot } from '../domain/types.js';

export function productSnapshotRepository(db: DbOrTx): ProductStore {
  return {
    find: (ids) => findProducts(db, ids),
    upsert: (product, sourceAt) => upsertProduct(db, product, sourceAt),
    markDeleted: (productId, sourceAt) => markProductDeleted(db, productId, sourceAt),
  };
}

/**
 * Upserts unless a newer event already wrote the row: events can arrive late or be
 * replayed from the dead-letter queue, and an old price must not win.
 */
async function upsertProduct(trx: DbOrTx, p: Omit<ProductSnapshot, 'deleted'>, sourceAt: Date): Promise<void> {
  await trx('product_snapshots')
    .insert({
      id: p.id,
      name: p.name,
      price: p.price,
      currency: p.currency,
      status: p.status,
      max_per_customer: p.maxPerCustomer,
      source_at: sourceAt,
      deleted_at: null,
    })
    .onConflict('id')
    .merge(['name', 'price', 'currency', 'status', 'max_per_customer', 'source_at'])
    .where('product_snapshots.source_at', '<=', sourceAt)
    .whereNull('product_snapshots.deleted_at');
}

/** Deletion wins over any later update: a deleted product stays unsellable. */
async function markProductDeleted(trx: DbOrTx, productId: string, sourceAt: Date): Promise<void> {
  await trx.raw(
    `insert into product_snapshots (id, name, price, currency, status, source_at, deleted_at)
     values (?, '(deleted)', 0, 'XXX', 'ARCHIVED', ?, now())
     on conflict (id) do update set deleted_at = now(), source_at = greatest(product_snapshots.source_at, excluded.source_at)`,
    [productId, sourceAt],
  );
}

async function findProducts(db: DbOrTx, ids: string[]): Promise<Map<string, ProductSnapshot>> {
  const rows = await db('product_snapshots').whereIn('id', ids);
  return new Map(
    rows.map((r) => [
      r.id as string,
      {
        id: r.id,
        name: r.name,
        price: r.price,
        currency: r.currency,
        status: r.status,
        maxPerCustomer: r.max_per_customer,
        deleted: r.deleted_at !== null,
      },
    ]),
  );
}
