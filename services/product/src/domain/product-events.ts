import { EventTypes, makeEvent, type ProductCreated, type ProductUpdated } from '@shop/contracts';
import type { Product } from './product.js';
import type { CatalogDeps, WriteContext } from './ports.js';

function eventFields(p: Product): ProductUpdated {
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

type Options = { deps: Pick<CatalogDeps, 'source'>; ctx: WriteContext };

export function productCreated(p: Product, initialStock: number, { deps, ctx }: Options) {
  const data: ProductCreated = { ...eventFields(p), initialStock };
  return makeEvent(EventTypes.ProductCreated, data, { source: deps.source, correlationId: ctx.correlationId });
}

export function productUpdated(p: Product, { deps, ctx }: Options) {
  return makeEvent(EventTypes.ProductUpdated, eventFields(p), { source: deps.source, correlationId: ctx.correlationId });
}

export function productDeleted(p: Product, { deps, ctx }: Options) {
  return makeEvent(EventTypes.ProductDeleted, { productId: p.id }, { source: deps.source, correlationId: ctx.correlationId });
}
