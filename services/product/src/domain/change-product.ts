import { AppError } from '@shop/errors';
import type { Product, ProductPatch } from './product.js';
import { EventTypes } from '@shop/contracts';
import type { CatalogDeps, WriteContext } from './ports.js';
import { requireCreators } from './creators.js';
import { productDeleted, productUpdated } from './product-events.js';

/** Changes a live product; the row, its event and (after commit) the cache move together. */
export async function updateProduct(deps: CatalogDeps, id: string, patch: ProductPatch, ctx: WriteContext = {}): Promise<Product> {
  const product = await deps.write(async (tx) => {
    if (patch.categoryId) {
      const missing = await tx.categories.missing([patch.categoryId]);
      if (missing.length > 0) throw new AppError('CATEGORY_NOT_FOUND', `category ${missing[0]} does not exist`);
    }
    await requireCreators(tx, [patch.creatorId]);
    const updated = await tx.products.update(id, patch);
    if (!updated) throw AppError.notFound('Product');
    await tx.outbox.emit(EventTypes.ProductUpdated, productUpdated(updated));
    return updated;
  }, ctx);
  await deps.cache.productsChanged([id]);
  return product;
}

/**
 * Soft delete: the row stays (orders and history still point at it), but the product
 * leaves every listing and reads as 404. Deleting twice is a 404 the second time.
 */
export async function deleteProduct(deps: CatalogDeps, id: string, ctx: WriteContext = {}): Promise<void> {
  await deps.write(async (tx) => {
    const deleted = await tx.products.markDeleted(id);
    if (!deleted) throw AppError.notFound('Product');
    await tx.outbox.emit(EventTypes.ProductDeleted, productDeleted(deleted));
  }, ctx);
  await deps.cache.productsChanged([id]);
}

/**
 * Gives live products a creator in one transaction, each with its product.updated.v1 (the
 * seed's backfill of a catalog made before creators existed). Ids that name no live product
 * are skipped; resolves with the products changed.
 */
export async function assignCreator(deps: CatalogDeps, creatorId: string, productIds: string[], ctx: WriteContext = {}): Promise<Product[]> {
  if (productIds.length === 0) return [];
  const changed = await deps.write(async (tx) => {
    await requireCreators(tx, [creatorId]);
    const products: Product[] = [];
    for (const id of productIds) {
      const updated = await tx.products.update(id, { creatorId });
      if (!updated) continue;
      await tx.outbox.emit(EventTypes.ProductUpdated, productUpdated(updated));
      products.push(updated);
    }
    return products;
  }, ctx);
  await deps.cache.productsChanged(changed.map((p) => p.id));
  return changed;
}
