import type { Db, DbOrTx } from '@shop/db';
import type { Product, ProductPatch, ProductQuery } from '../domain/product.js';
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
  status: Product['status'];
  created_at: Date;
  updated_at: Date;
}

const COLUMNS: string[] = [
  'id', 'sku', 'name', 'description', 'price', 'currency', 'category_id', 'image_url',
  'max_per_customer', 'status', 'created_at', 'updated_at',
];

const toProduct = (r: ProductRow): Product => ({
  id: r.id,
  sku: r.sku,
  name: r.name,
  description: r.description,
  price: r.price,
  currency: r.currency,
  categoryId: r.category_id,
  imageUrl: r.image_url,
  maxPerCustomer: r.max_per_customer,
  status: r.status,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');
const NOW_MS = "date_trunc('milliseconds', now())";

// Each sort is a keyset walk over (sort column, id): the comparison direction matches the
// ORDER BY, so ties on the sort column are broken by id and no row is seen twice.
const ORDER = {
  newest: { column: 'created_at', dir: 'desc', op: '<', cast: '::timestamptz' },
  price_asc: { column: 'price', dir: 'asc', op: '>', cast: '::integer' },
  price_desc: { column: 'price', dir: 'desc', op: '<', cast: '::integer' },
  name: { column: 'name', dir: 'asc', op: '>', cast: '::text' },
} as const;

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
    };
    return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
  };

  return {
    async insertMany(rows) {
      try {
        const inserted = await db('products')
          .insert(rows.map((r) => ({
            id: r.id, sku: r.sku, name: r.name, description: r.description, price: r.price, currency: r.currency,
            category_id: r.categoryId, image_url: r.imageUrl, max_per_customer: r.maxPerCustomer,
          })))
          .returning(COLUMNS);
        return (inserted as ProductRow[]).map(toProduct);
      } catch (err) {
        throw translateDbError(err);
      }
    },

    async findActive(id) {
      if (!UUID.test(id)) return undefined;
      const row = await db('products').select(COLUMNS).where({ id, status: 'active' }).first();
      return row ? toProduct(row as ProductRow) : undefined;
    },

    async update(id, patch) {
      try {
        const [row] = await db('products')
          .where({ id, status: 'active' })
          .update({ ...patchColumns(patch), updated_at: db.raw(NOW_MS) })
          .returning(COLUMNS);
        return row ? toProduct(row as ProductRow) : undefined;
      } catch (err) {
        throw translateDbError(err);
      }
    },

    async markDeleted(id) {
      const [row] = await db('products')
        .where({ id, status: 'active' })
        .update({ status: 'deleted', deleted_at: db.raw(NOW_MS), updated_at: db.raw(NOW_MS) })
        .returning(COLUMNS);
      return row ? toProduct(row as ProductRow) : undefined;
    },

    async list(query: ProductQuery) {
      const order = ORDER[query.sort];
      const q = db('products').select(COLUMNS).where('status', 'active');
      if (query.q) q.whereRaw("search_text like ? escape '\\'", [`%${escapeLike(query.q.toLowerCase())}%`]);
      if (query.sku) q.where('sku', query.sku);
      if (query.category) {
        const category = query.category;
        q.whereIn('category_id', db('categories').select('id').where((b) => {
          b.where('slug', category);
          if (UUID.test(category)) b.orWhere('id', category);
        }));
      }
      if (query.minPrice !== undefined) q.where('price', '>=', query.minPrice);
      if (query.maxPrice !== undefined) q.where('price', '<=', query.maxPrice);
      if (query.after) {
        q.whereRaw(`(${order.column}, id) ${order.op} (?${order.cast}, ?::uuid)`, [query.after.key, query.after.id]);
      }
      const rows = await q.orderBy([{ column: order.column, order: order.dir }, { column: 'id', order: order.dir }]).limit(query.limit + 1);
      return (rows as ProductRow[]).map(toProduct);
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
  const query = db('products').select(COLUMNS).where('status', 'active').orderBy('id').limit(limit);
  if (afterId) query.where('id', '>', afterId);
  return (await query).map(toProduct);
}
