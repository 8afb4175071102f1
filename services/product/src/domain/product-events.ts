import type { ProductCreated, ProductDeleted, ProductUpdated } from '@shop/contracts';
import type { Product } from './product.js';

/** What product.updated.v1 says about a product (product.created.v1 adds the initial stock). */
export function productUpdated(p: Product): ProductUpdated {
  return {
    productId: p.id,
    sku: p.sku,
    name: p.name,
    price: p.price,
    currency: p.currency,
    ...(p.categoryId ? { categoryId: p.categoryId } : {}),
    status: 'ACTIVE',
    maxPerCustomer: p.maxPerCustomer,
  };
}

export function productCreated(p: Product, initialStock: number): ProductCreated {
  return { ...productUpdated(p), initialStock };
}

export function productDeleted(p: Product): ProductDeleted {
  return { productId: p.id };
}
