import type { Cache } from '@shop/cache';
import type { RecommendationCache } from '../domain/ports.js';
import { LISTINGS } from './catalog.cache.js';

const recsNs = (id: string) => `recs:${id}`;

/**
 * Keyed by two namespace versions: the catalogue's (any product write: a renamed, repriced or
 * deleted product leaves every answer at once, as listings do) and the product's own, which
 * the co-purchase consumer bumps after its commit when the product's bought-together list
 * changed. The TTL bounds what neither bumps: the popularity order of "similar".
 */
export function createRecommendationCache(cache: Cache, ttlSeconds: number): RecommendationCache {
  return {
    async recommendations(productId, limit, load) {
      const [catalog, own] = await Promise.all([cache.version(LISTINGS), cache.version(recsNs(productId))]);
      return cache.getOrLoad(`recs:${productId}:v${catalog}.${own}:${limit}`, { ttlSeconds }, load);
    },

    async coPurchasesChanged(productIds) {
      await Promise.all(productIds.map((id) => cache.bumpVersion(recsNs(id))));
    },
  };
}
