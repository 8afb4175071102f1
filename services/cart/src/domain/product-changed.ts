import type { Stores } from './ports.js';

export interface ProductFacts {
  productId: string;
  name: string;
  price: number;
  currency: string;
  status: string;
}

/** Keeps the snapshot in step with the catalog; an event older than the stored one is ignored. */
export async function productChanged(stores: Stores, facts: ProductFacts, occurredAt: Date): Promise<void> {
  const { productId, name, price, currency, status } = facts;
  await stores.products.upsert({ id: productId, name, price, currency, status }, occurredAt);
}

/** A deleted product leaves a tombstone and every cart. */
export async function productDeleted(stores: Stores, productId: string, occurredAt: Date): Promise<void> {
  if (await stores.products.markDeleted(productId, occurredAt)) await stores.carts.removeProductEverywhere(productId);
}
