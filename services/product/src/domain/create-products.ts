import { randomUUID } from 'node:crypto';
import { AppError } from '@shop/errors';
import type { NewProduct, Product } from './product.js';
import { EventTypes } from '@shop/contracts';
import type { CatalogDeps, WriteContext } from './ports.js';
import { requireCreators } from './creators.js';
import { productCreated } from './product-events.js';

/**
 * Adds products to the catalog. Each product row and its product.created.v1 event
 * (carrying initialStock, which the inventory service turns into a stock record) commit
 * together; the cache forgets old listings and the relay is woken only after the commit.
 * One call is one transaction, so the seed uses this same path in batches.
 */
export async function createProducts(deps: CatalogDeps, inputs: NewProduct[], ctx: WriteContext = {}): Promise<Product[]> {
  if (inputs.length === 0) return [];
  const created = await deps.write(async (tx) => {
    const categoryIds = [...new Set(inputs.flatMap((i) => (i.categoryId ? [i.categoryId] : [])))];
    const missing = await tx.categories.missing(categoryIds);
    if (missing.length > 0) throw new AppError('CATEGORY_NOT_FOUND', `category ${missing[0]} does not exist`);
    await requireCreators(tx, inputs.map((i) => i.creatorId));
    const rows = inputs.map((i) => ({
      id: i.id ?? randomUUID(),
      sku: i.sku,
      name: i.name,
      description: i.description ?? null,
      price: i.price,
      currency: i.currency,
      categoryId: i.categoryId ?? null,
      imageUrl: i.imageUrl ?? null,
      maxPerCustomer: i.maxPerCustomer ?? null,
      creatorId: i.creatorId ?? null,
    }));
    const products = await tx.products.insertMany(rows);
    const stockById = new Map<string, number>(rows.map((r, n) => [r.id, inputs[n].initialStock]));
    for (const p of products) await tx.outbox.emit(EventTypes.ProductCreated, productCreated(p, stockById.get(p.id) ?? 0));
    return products;
  }, ctx);
  await deps.cache.productsChanged(created.map((p) => p.id));
  return created;
}

export async function createProduct(deps: CatalogDeps, input: NewProduct, ctx: WriteContext = {}): Promise<Product> {
  const [product] = await createProducts(deps, [input], ctx);
  return product;
}
