import type { DbOrTx } from '@shop/db';
import type { ProductRepository, ProductSnapshot } from '../domain/ports.js';

interface SnapshotRow {
  id: string;
  name: string;
  price: number;
  currency: string;
  status: string;
  deleted_at: Date | null;
}

const toSnapshot = (r: SnapshotRow): ProductSnapshot => ({
  id: r.id,
  name: r.name,
  price: r.price,
  currency: r.currency,
  status: r.status,
  deleted: r.deleted_at !== null,
});

export function productSnapshotRepository(db: DbOrTx): ProductRepository {
  return {
    async find(ids) {
      if (ids.length === 0) return [];
      const rows = await db<SnapshotRow>('product_snapshots')
        .select('id', 'name', 'price', 'currency', 'status', 'deleted_at')
        .whereIn('id', ids);
      return rows.map(toSnapshot);
    },

    async upsert(s, versionAt) {
      // Events can arrive out of order (retries, replays): only a newer one wins, and a
      // tombstone stays a tombstone.
      const rows = await db('product_snapshots')
        .insert({ id: s.id, name: s.name, price: s.price, currency: s.currency, status: s.status, version_at: versionAt })
        .onConflict('id')
        .merge({ name: s.name, price: s.price, currency: s.currency, status: s.status, version_at: versionAt, updated_at: db.fn.now() })
        .where('product_snapshots.version_at', '<=', versionAt)
        .whereNull('product_snapshots.deleted_at')
        .returning('id');
      return rows.length > 0;
    },

    async markDeleted(id, versionAt) {
      // A delete that arrives before the create still leaves a tombstone, so the late
      // create cannot resurrect the product.
      const rows = await db('product_snapshots')
        .insert({ id, name: '(deleted)', price: 0, currency: 'XXX', status: 'DELETED', deleted_at: versionAt, version_at: versionAt })
        .onConflict('id')
        .merge({ status: 'DELETED', deleted_at: versionAt, version_at: versionAt, updated_at: db.fn.now() })
        .whereNull('product_snapshots.deleted_at')
        .returning('id');
      return rows.length > 0;
    },
  };
}
