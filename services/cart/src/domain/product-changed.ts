import type { Stores } from './ports.js';

/** A creator as events name it: its profile's version orders the copies. */
export interface CreatorFacts {
  creatorId: string;
  name: string;
  slug: string;
  version: number;
}

export interface ProductFacts {
  productId: string;
  name: string;
  price: number;
  currency: string;
  status: string;
  creator?: CreatorFacts | null;
}

/**
 * Keeps the snapshot in step with the catalog; an event older than the stored one is ignored.
 * The creator it names is kept too, if this copy of the profile is newer than the cart's.
 */
export async function productChanged(stores: Stores, facts: ProductFacts, occurredAt: Date): Promise<void> {
  const { productId, name, price, currency, status, creator } = facts;
  if (creator) await creatorChanged(stores, creator);
  await stores.products.upsert({ id: productId, name, price, currency, status, creatorId: creator?.creatorId ?? null }, occurredAt);
}

/** A creator's profile: every cart line of its products shows the newest name (read with the line). */
export async function creatorChanged(stores: Stores, creator: CreatorFacts): Promise<boolean> {
  return stores.creators.upsert({ id: creator.creatorId, name: creator.name, slug: creator.slug }, creator.version);
}

/** A deleted product leaves a tombstone and every cart. */
export async function productDeleted(stores: Stores, productId: string, occurredAt: Date): Promise<void> {
  if (await stores.products.markDeleted(productId, occurredAt)) await stores.carts.removeProductEverywhere(productId);
}
