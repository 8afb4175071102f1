import type { DbOrTx } from '@shop/db';
import type { CreatorRepository, ProductRepository, ProductSnapshot } from '../domain/ports.js';

interface SnapshotRow {
  id: string;
  name: string;
  price: number;
  currency: string;
  status: string;
  deleted_at: Date | null;
  creator_id: string | null;
  creator_name: string | null;
  creator_slug: string | null;
}

const toSnapshot = (r: SnapshotRow): ProductSnapshot => ({
  id: r.id,
  name: r.name,
  price: r.price,
  currency: r.currency,
  status: r.status,
  deleted: r.deleted_at !== null,
  creatorId: r.creator_id,
  creator: r.creator_id && r.creator_name !== null && r.creator_slug !== null ? { id: r.creator_id, name: r.creator_name, slug: r.creator_slug } : null,
});

export function productSnapshotRepository(db: DbOrTx): ProductRepository {
  return {
    async find(ids) {
      if (ids.length === 0) return [];
      // The creator's name is read with the line, so a rename shows in every cart at once.
      const rows: SnapshotRow[] = await db('product_snapshots as p')
        .leftJoin('creator_snapshots as c', 'c.id', 'p.creator_id')
        .select('p.id', 'p.name', 'p.price', 'p.currency', 'p.status', 'p.deleted_at', 'p.creator_id', 'c.name as creator_name', 'c.slug as creator_slug')
        .whereIn('p.id', ids);
      return rows.map(toSnapshot);
    },

    async upsert(s, versionAt) {
      // Events can arrive out of order (retries, replays): only a newer one wins, and a
      // tombstone stays a tombstone.
      const rows = await db('product_snapshots')
        .insert({ id: s.id, name: s.name, price: s.price, currency: s.currency, status: s.status, creator_id: s.creatorId, version_at: versionAt })
        .onConflict('id')
        .merge({ name: s.name, price: s.price, currency: s.currency, status: s.status, creator_id: s.creatorId, version_at: versionAt, updated_at: db.fn.now() })
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

export function creatorSnapshotRepository(db: DbOrTx): CreatorRepository {
  return {
    async upsert(c, version) {
      // Versions, not arrival order: a redelivered or late profile never replaces a newer one.
      const rows = await db('creator_snapshots')
        .insert({ id: c.id, name: c.name, slug: c.slug, version })
        .onConflict('id')
        .merge({ name: c.name, slug: c.slug, version, updated_at: db.fn.now() })
        .where('creator_snapshots.version', '<', version)
        .returning('id');
      return rows.length > 0;
    },
  };
}
