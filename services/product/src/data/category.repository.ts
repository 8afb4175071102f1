import type { Db, DbOrTx } from '@shop/db';
import type { Category } from '../domain/product.js';
import type { CategoryRepository } from '../domain/ports.js';
import { translateDbError } from './db-errors.js';

interface CategoryRow {
  id: string;
  name: string;
  slug: string;
  created_at: Date;
}

const toCategory = (r: CategoryRow): Category => ({ id: r.id, name: r.name, slug: r.slug, createdAt: r.created_at.toISOString() });
const COLUMNS: string[] = ['id', 'name', 'slug', 'created_at'];

export function createCategoryRepository(db: DbOrTx): CategoryRepository {
  return {
    async insert(category) {
      try {
        const [row] = await db('categories').insert(category).returning(COLUMNS);
        return toCategory(row as CategoryRow);
      } catch (err) {
        throw translateDbError(err);
      }
    },

    async list(query) {
      const q = db('categories').select(COLUMNS).orderBy('slug').limit(query.limit + 1);
      if (query.afterSlug !== undefined) q.where('slug', '>', query.afterSlug);
      return ((await q) as CategoryRow[]).map(toCategory);
    },

    async missing(ids) {
      if (ids.length === 0) return [];
      const found = await db('categories').select('id').whereIn('id', ids);
      const present = new Set(found.map((r: { id: string }) => r.id));
      return ids.filter((id) => !present.has(id));
    },
  };
}

export async function findCategoryBySlug(db: Db, slug: string): Promise<Category | undefined> {
  const row = await db('categories').select(COLUMNS).where({ slug }).first();
  return row ? toCategory(row as CategoryRow) : undefined;
}
