import type { Db, DbOrTx } from '@shop/db';
import type { CreatorSummary, Product, ProductPatch, ProductQuery } from '../domain/product.js';
import type { ProductRepository } from '../domain/ports.js';
import { translateDbError } from './db-errors.js';

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  price: number;
  currency: string;
  category_id: string | null;
  image_url: string | null;
  max_per_customer: number | null;
  creator_id: string | null;
  status: Product['status'];
  created_at: Date;
  updated_at: Date;
}

/** A row read with its creator (a join on reads; one look-up after a write's RETURNING). */
interface ProductWithCreator extends ProductRow {
  creator_name: string | null;
  creator_slug: string | null;
  creator_version: number | null;
}

const COLUMNS: string[] = [
  'id', 'sku', 'name', 'description', 'price', 'currency', 'category_id', 'image_url',
  'max_per_customer', 'creator_id', 'status', 'created_at', 'updated_at',
];
// Reads join creators, whose id, name and created_at would be ambiguous: every column is the product's (p).
const JOINED: string[] = [
  ...COLUMNS.map((c) => `p.${c}`),
  'c.name as creator_name', 'c.slug as creator_slug', 'c.version as creator_version',
];

const toCreator = (r: ProductWithCreator): CreatorSummary | null =>
  r.creator_id && r.creator_name !== null && r.creator_slug !== null && r.creator_version !== null
    ? { id: r.creator_id, name: r.creator_name, slug: r.creator_slug, version: r.creator_version }
    : null;

const toProduct = (r: ProductWithCreator): Product => ({
  id: r.id,
  sku: r.sku,
  name: r.name,
  description: r.description,
  price: r.price,
  currency: r.currency,
  categoryId: r.category_id,
  imageUrl: r.image_url,
  maxPerCustomer: r.max_per_customer,
  creatorId: r.creator_id,
  creator: toCreator(r),
  status: r.status,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');
const NOW_MS = "date_trunc('milliseconds', now())";

/** The rows a write returned, with their creators' summaries (one query for them all). */
async function withCreators(db: DbOrTx, rows: ProductRow[]): Promise<Product[]> {
  const ids = [...new Set(rows.flatMap((r) => (r.creator_id ? [r.creator_id] : [])))];
  const found: Array<{ id: string; name: string; slug: string; version: number }> = ids.length
    ? await db('creators').select('id', 'name', 'slug', 'version').whereIn('id', ids)
    : [];
  const byId = new Map(found.map((c) => [c.id, c]));
  return rows.map((r) => {
    const c = r.creator_id ? byId.get(r.creator_id) : undefined;
    return toProduct({ ...r, creator_name: c?.name ?? null, creator_slug: c?.slug ?? null, creator_version: c?.version ?? null });
  });
}

// Each sort is a keyset walk over (sort column, id): the comparison direction matches the
// ORDER BY, so ties on the sort column are broken by id and no row is seen twice.
const ORDER = {
  newest: { column: 'created_at', dir: 'desc', op: '<', cast: '::timestamptz' },
  price_asc: { column: 'price', dir: 'asc', op: '>', cast: '::integer' },
  price_desc: { column: 'price', dir: 'desc', op: '<', cast: '::integer' },
  name: { column: 'name', dir: 'asc', op: '>', cast: '::text' },
} as const;

const joined = (db: DbOrTx) => db('products as p').leftJoin('creators as c', 'c.id', 'p.creator_id').select(JOINED);

export function createProductRepository(db: DbOrTx): ProductRepository {
  const patchColumns = (patch: ProductPatch): Record<string, unknown> => {
    const columns: Record<string, unknown> = {
      sku: patch.sku,
      name: patch.name,
      description: patch.description,
      price: patch.price,
      currency: patch.currency,
      category_id: patch.categoryId,
      image_url: patch.imageUrl,
      max_per_customer: patch.maxPerCustomer,
      creator_id: patch.creatorId,
    };
    return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
  };

  return {
    async insertMany(rows) {
      try {
        const inserted = await db('products')
          .insert(rows.map((r) => ({
            id: r.id, sku: r.sku, name: r.name, description: r.description, price: r.price, currency: r.currency,
            category_id: r.categoryId, image_url: r.imageUrl, max_per_customer: r.maxPerCustomer, creator_id: r.creatorId,
          })))
          .returning(COLUMNS);
        return withCreators(db, inserted as ProductRow[]);
      } catch (err) {
        throw translateDbError(err);
      }
    },

    async findActive(id) {
      if (!UUID.test(id)) return undefined;
      const row = await joined(db).where({ 'p.id': id, 'p.status': 'active' }).first();
      return row ? toProduct(row as ProductWithCreator) : undefined;
    },

    async update(id, patch) {
      try {
        const [row] = await db('products')
          .where({ id, status: 'active' })
          .update({ ...patchColumns(patch), updated_at: db.raw(NOW_MS) })
          .returning(COLUMNS);
        return row ? (await withCreators(db, [row as ProductRow]))[0] : undefined;
      } catch (err) {
        throw translateDbError(err);
      }
    },

    async markDeleted(id) {
      const [row] = await db('products')
        .where({ id, status: 'active' })
        .update({ status: 'deleted', deleted_at: db.raw(NOW_MS), updated_at: db.raw(NOW_MS) })
        .returning(COLUMNS);
      return row ? (await withCreators(db, [row as ProductRow]))[0] : undefined;
    },

    async list(query: ProductQuery) {
      const order = ORDER[query.sort];
      const q = joined(db).where('p.status', 'active');
      if (query.q) q.whereRaw("p.search_text like ? escape '\\'", [`%${escapeLike(query.q.toLowerCase())}%`]);
      if (query.sku) q.where('p.sku', query.sku);
      if (query.category) {
        const category = query.category;
        q.whereIn('p.category_id', db('categories').select('id').where((b) => {
          b.where('slug', category);
          if (UUID.test(category)) b.orWhere('id', category);
        }));
      }
      if (query.creator) {
        const creator = query.creator;
        q.whereIn('p.creator_id', db('creators').select('id').where((b) => {
          b.where('slug', creator);
          if (UUID.test(creator)) b.orWhere('id', creator);
        }));
      }
      if (query.minPrice !== undefined) q.where('p.price', '>=', query.minPrice);
      if (query.maxPrice !== undefined) q.where('p.price', '<=', query.maxPrice);
      if (query.after) {
        q.whereRaw(`(p.${order.column}, p.id) ${order.op} (?${order.cast}, ?::uuid)`, [query.after.key, query.after.id]);
      }
      const rows = await q.orderBy([{ column: `p.${order.column}`, order: order.dir }, { column: 'p.id', order: order.dir }]).limit(query.limit + 1);
      return (rows as ProductWithCreator[]).map(toProduct);
    },

    async idsByCreator(creatorId) {
      const rows: Array<{ id: string }> = await db('products').select('id').where({ creator_id: creatorId, status: 'active' });
      return rows.map((r) => r.id);
    },
  };
}

/** For the seed: how many live products there are, and which of these SKUs already exist. */
export async function countActiveProducts(db: Db): Promise<number> {
  const [{ count }] = await db('products').where('status', 'active').count<{ count: number }[]>({ count: '*' });
  return Number(count);
}

export async function existingSkus(db: Db, skus: string[]): Promise<Set<string>> {
  const rows = await db('products').select('sku').whereIn('sku', skus);
  return new Set(rows.map((r: { sku: string }) => r.sku));
}

/** One page of live products in id order, for walking the whole catalog (republish). */
export async function activeProductsAfter(db: Db, afterId: string | null, limit: number): Promise<Product[]> {
  const query = joined(db).where('p.status', 'active').orderBy('p.id').limit(limit);
  if (afterId) query.where('p.id', '>', afterId);
  return ((await query) as ProductWithCreator[]).map(toProduct);
}

/** For the seed's backfill: live products without a creator whose SKU matches the pattern (LIKE). */
export async function productsWithoutCreator(db: Db, skuLike: string): Promise<Array<{ id: string; sku: string }>> {
  return db('products').select('id', 'sku').whereNull('creator_id').where('status', 'active').where('sku', 'like', skuLike).orderBy('sku');
}
