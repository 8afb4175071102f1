import { createHash } from 'node:crypto';
import type { Cache } from '@shop/cache';
import type { CategoryQuery, ProductQuery } from '../domain/product.js';
import type { CatalogCache } from '../domain/ports.js';

/** Bumped by every catalogue write; recommendations embed it too (they show names and prices). */
export const LISTINGS = 'listings';
const CATEGORIES = 'categories';
const productNs = (id: string) => `product:${id}`;
const creatorNs = (id: string) => `creator:${id}`;

function hash(parts: unknown[]): string {
  return createHash('sha1').update(JSON.stringify(parts)).digest('base64url');
}

/**
 * Every key embeds a namespace version that writes bump after they commit. A reader reads
 * the version before it loads from Postgres, so a load that raced a write can only land
 * under the old version, which nobody reads any more: no stale entry survives a write.
 * (Deleting keys instead would let such a racing load re-insert the old value.)
 */
export function createCatalogCache(cache: Cache, ttlSeconds: number): CatalogCache {
  const options = { ttlSeconds };
  return {
    async product(id, load) {
      const version = await cache.version(productNs(id));
      return cache.getOrLoad(`product:${id}:v${version}`, options, load);
    },

    async listing(query: ProductQuery, load) {
      const version = await cache.version(LISTINGS);
      const key = hash([query.q ?? null, query.sku ?? null, query.category ?? null, query.minPrice ?? null, query.maxPrice ?? null,
        query.sort, query.limit, query.after?.key ?? null, query.after?.id ?? null, query.creator ?? null]);
      return cache.getOrLoad(`list:v${version}:${key}`, options, load);
    },

    async categories(query: CategoryQuery, load) {
      const version = await cache.version(CATEGORIES);
      return cache.getOrLoad(`categories:v${version}:${hash([query.limit, query.afterSlug ?? null])}`, options, load);
    },

    async productsChanged(ids) {
      await Promise.all([cache.bumpVersion(LISTINGS), ...ids.map((id) => cache.bumpVersion(productNs(id)))]);
    },

    async categoriesChanged() {
      await cache.bumpVersion(CATEGORIES);
    },

    async creator(id, load) {
      const version = await cache.version(creatorNs(id));
      return cache.getOrLoad(`creator:${id}:v${version}`, options, load);
    },

    async creatorChanged(id, productIds) {
      // Products show the creator's summary, so each of its products' pages goes too.
      await Promise.all([
        cache.bumpVersion(creatorNs(id)),
        cache.bumpVersion(LISTINGS),
        ...productIds.map((p) => cache.bumpVersion(productNs(p))),
      ]);
    },
  };
}
