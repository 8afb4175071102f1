import { AppError } from '@shop/errors';
import { encodeCursor } from './cursor.js';
import type { Page, Product, ProductQuery } from './product.js';
import type { CatalogDeps } from './ports.js';

type ReadDeps = Pick<CatalogDeps, 'products' | 'cache'>;

/** One page of live products, served from the cache when a fresh copy is there. */
export async function listProducts(deps: ReadDeps, query: ProductQuery): Promise<{ page: Page<Product>; cached: boolean }> {
  const { value, hit } = await deps.cache.listing(query, async () => {
    const rows = await deps.products.list(query);
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last, query.sort) : null };
  });
  return { page: value, cached: hit };
}

export async function getProduct(deps: ReadDeps, id: string): Promise<{ product: Product; cached: boolean }> {
  const { value, hit } = await deps.cache.product(id, async () => (await deps.products.findActive(id)) ?? null);
  if (!value) throw AppError.notFound('Product');
  return { product: value, cached: hit };
}
