import { AppError } from '@shop/errors';
import type { Product, ProductPatch } from './product.js';
import type { CatalogDeps, WriteContext } from './ports.js';
import { productDeleted, productUpdated } from './product-events.js';

/** Changes a live product; the row, its event and (after commit) the cache move together. */
export async function updateProduct(deps: CatalogDeps, id: string, patch: ProductPatch, ctx: WriteContext = {}): Promise<Product> {
  const product = await deps.transact(async (trx) => {
    if (patch.categoryId) {
      const missing = await deps.categories.missing([patch.categoryId], trx);
      if (missing.length > 0) throw new AppError('CATEGORY_NOT_FOUND', `category ${missing[0]} does not exist`, 400);
    }
    const updated = await deps.products.update(id, patch, trx);
    if (!updated) throw AppError.notFound('Product');
    await deps.enqueue(trx, productUpdated(updated, { deps, ctx }));
    return updated;
  });
  await deps.cache.productsChanged([id]);
  deps.kickRelay();
  return product;
}

/**
 * Soft delete: the row stays (orders and history still point at it), but the product
 * leaves every listing and reads as 404. Deleting twice is a 404 the second time.
 */
export async function deleteProduct(deps: CatalogDeps, id: string, ctx: WriteContext = {}): Promise<void> {
  await deps.transact(async (trx) => {
    const deleted = await deps.products.markDeleted(id, trx);
    if (!deleted) throw AppError.notFound('Product');
    await deps.enqueue(trx, productDeleted(deleted, { deps, ctx }));
  });
  await deps.cache.productsChanged([id]);
  deps.kickRelay();
}
