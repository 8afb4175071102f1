import type { DbOrTx } from '@shop/db';
import type { StockLevels, StockStore } from '../domain/ports.js';

interface StockRow {
  product_id: string;
  available: number;
  reserved: number;
  sold: number;
  added: number;
  deleted_at: Date | null;
  updated_at: Date;
}

const toLevels = (r: StockRow): StockLevels => ({
  productId: r.product_id,
  available: r.available,
  reserved: r.reserved,
  sold: r.sold,
  added: r.added,
  deletedAt: r.deleted_at,
  updatedAt: r.updated_at,
});

/**
 * Every write is one conditional UPDATE: the WHERE clause is the check, so there is no
 * read-then-write window, and the table's CHECK constraints refuse anything that would go
 * negative or stop adding up.
 */
export function stockRepository(db: DbOrTx): StockStore {
  const table = () => db<StockRow>('stock');
  return {
    async create(productId, initial) {
      const rows = await table()
        .insert({ product_id: productId, available: initial, added: initial })
        .onConflict('product_id')
        .ignore()
        .returning('product_id');
      return rows.length > 0;
    },
    async markDeleted(productId) {
      const n = await table().where({ product_id: productId }).whereNull('deleted_at').update({ deleted_at: db.fn.now(), updated_at: db.fn.now() });
      return n > 0;
    },
    async take(productId, quantity) {
      const n = await table()
        .where({ product_id: productId })
        .andWhere('available', '>=', quantity)
        .update({ available: db.raw('available - ?', [quantity]), reserved: db.raw('reserved + ?', [quantity]), updated_at: db.fn.now() });
      return n > 0;
    },
    async putBack(productId, quantity) {
      await table()
        .where({ product_id: productId })
        .update({ available: db.raw('available + ?', [quantity]), reserved: db.raw('reserved - ?', [quantity]), updated_at: db.fn.now() });
    },
    async sell(productId, quantity) {
      await table()
        .where({ product_id: productId })
        .update({ reserved: db.raw('reserved - ?', [quantity]), sold: db.raw('sold + ?', [quantity]), updated_at: db.fn.now() });
    },
    async sellFromAvailable(productId, quantity) {
      const n = await table()
        .where({ product_id: productId })
        .andWhere('available', '>=', quantity)
        .update({ available: db.raw('available - ?', [quantity]), sold: db.raw('sold + ?', [quantity]), updated_at: db.fn.now() });
      return n > 0;
    },
    async find(productId) {
      const row = await table().where({ product_id: productId }).first();
      return row ? toLevels(row) : undefined;
    },
    async setAvailable(productId, available) {
      const [row] = await table()
        .where({ product_id: productId })
        .update({ added: db.raw('added + (? - available)', [available]), available, updated_at: db.fn.now() })
        .returning('*');
      return row ? toLevels(row as StockRow) : undefined;
    },
  };
}
