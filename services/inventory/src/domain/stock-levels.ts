import { AppError } from '@shop/errors';
import type { StockLevels, StockStore } from './ports.js';

export async function getStockLevels(stock: StockStore, productId: string): Promise<StockLevels> {
  const levels = await stock.find(productId);
  if (!levels) throw AppError.notFound('Stock for this product');
  return levels;
}

/**
 * An admin counts the shelf and sets what is available. Units already reserved or sold are
 * untouched; `added` moves by the difference, so added = available + reserved + sold holds.
 */
export async function setAvailableStock(stock: StockStore, productId: string, available: number): Promise<StockLevels> {
  const levels = await stock.setAvailable(productId, available);
  if (!levels) throw AppError.notFound('Stock for this product');
  return levels;
}
