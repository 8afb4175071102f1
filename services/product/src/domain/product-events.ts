import type { CreatorUpdated, ProductCreated, ProductDeleted, ProductUpdated } from '@shop/contracts';
import type { Creator, Product } from './product.js';

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
    creator: p.creator ? { creatorId: p.creator.id, name: p.creator.name, slug: p.creator.slug, version: p.creator.version } : null,
  };
}

export function productCreated(p: Product, initialStock: number): ProductCreated {
  return { ...productUpdated(p), initialStock };
}

export function productDeleted(p: Product): ProductDeleted {
  return { productId: p.id };
}

/** The whole profile at this version (sent on creation and on every change). */
export function creatorUpdated(c: Creator): CreatorUpdated {
  return { creatorId: c.id, name: c.name, slug: c.slug, version: c.version, bio: c.bio, avatarUrl: c.avatarUrl };
}
