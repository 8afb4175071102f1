import type { StockStore } from './ports.js';

/** A new product gets its stock record; a second message about it changes nothing. */
export async function openStock(stock: StockStore, productId: string, initialStock = 0): Promise<boolean> {
  return stock.create(productId, initialStock);
}

/**
 * A deleted product keeps its row: reservations still point at it and its counts are
 * history. It is only marked (deleted_at); the catalog, not inventory, stops selling it.
 */
export async function closeStock(stock: StockStore, productId: string): Promise<boolean> {
  return stock.markDeleted(productId);
}
