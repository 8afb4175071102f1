import type { Db, DbOrTx } from '@shop/db';
import type { Creator, CreatorPatch } from '../domain/product.js';
import type { CreatorRepository } from '../domain/ports.js';
import { translateDbError } from './db-errors.js';

interface CreatorRow {
  id: string;
  slug: string;
  name: string;
  bio: string | null;
  avatar_url: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS: string[] = ['id', 'slug', 'name', 'bio', 'avatar_url', 'version', 'created_at', 'updated_at'];
const NOW_MS = "date_trunc('milliseconds', now())";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toCreator = (r: CreatorRow): Creator => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  bio: r.bio,
  avatarUrl: r.avatar_url,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const patchColumns = (patch: CreatorPatch): Record<string, unknown> =>
  Object.fromEntries(Object.entries({ slug: patch.slug, name: patch.name, bio: patch.bio, avatar_url: patch.avatarUrl }).filter(([, v]) => v !== undefined));

export function createCreatorRepository(db: DbOrTx): CreatorRepository {
  return {
    async insert(c) {
      try {
        const [row] = await db('creators').insert({ id: c.id, slug: c.slug, name: c.name, bio: c.bio, avatar_url: c.avatarUrl }).returning(COLUMNS);
        return toCreator(row as CreatorRow);
      } catch (err) {
        throw translateDbError(err);
      }
    },

    async update(id, patch) {
      if (!UUID.test(id)) return undefined;
      try {
        const [row] = await db('creators')
          .where({ id })
          .update({ ...patchColumns(patch), version: db.raw('version + 1'), updated_at: db.raw(NOW_MS) })
          .returning(COLUMNS);
        return row ? toCreator(row as CreatorRow) : undefined;
      } catch (err) {
        throw translateDbError(err);
      }
    },

    async find(id) {
      if (!UUID.test(id)) return undefined;
      const row = await db('creators').select(COLUMNS).where({ id }).first();
      return row ? toCreator(row as CreatorRow) : undefined;
    },

    async list(query) {
      const q = db('creators').select(COLUMNS).orderBy('slug').limit(query.limit + 1);
      if (query.afterSlug !== undefined) q.where('slug', '>', query.afterSlug);
      return ((await q) as CreatorRow[]).map(toCreator);
    },

    async missingLocked(ids) {
      if (ids.length === 0) return [];
      // Sorted, so two writes that lock the same creators take them in the same order.
      const found: Array<{ id: string }> = await db('creators').select('id').whereIn('id', [...ids].sort()).orderBy('id').forShare();
      const present = new Set(found.map((r) => r.id));
      return ids.filter((id) => !present.has(id));
    },
  };
}

export async function findCreatorBySlug(db: Db, slug: string): Promise<Creator | undefined> {
  const row = await db('creators').select(COLUMNS).where({ slug }).first();
  return row ? toCreator(row as CreatorRow) : undefined;
}
