import { Cache } from '@shop/cache';
import { composeService, type PlatformOverrides } from '@shop/service';
import { createApp } from './app.js';
import type { ProductConfig } from './config.js';
import { consumeCatalogChanges } from './messaging/graphql-cache.consumer.js';
import { consumeCoPurchases } from './messaging/co-purchase.consumer.js';
import { createRecommendationCache } from './data/recommendation.cache.js';

export interface ProductOptions extends PlatformOverrides {
  /** The consumers' retry delays (tests shorten them). */
  retryDelaysMs?: number[];
}

/** The composition root shared by main.ts and the component tests (the start-up is @shop/service). */
export function buildService(config: ProductConfig, options: ProductOptions = {}) {
  return composeService({
    config,
    outbox: true,
    overrides: options,
    wire: (p) => {
      const cache = new Cache(p.redis, p.logger, 'product');
      const recommendations = createRecommendationCache(cache, config.CACHE_TTL_SECONDS);
      return {
        app: createApp(p),
        consumers: [
          consumeCatalogChanges(p.broker, cache),
          consumeCoPurchases(p.broker, p.uow, recommendations, { maxProducts: config.CO_PURCHASE_MAX_PRODUCTS, retryDelaysMs: options.retryDelaysMs }),
        ],
      };
    },
  });
}

export type ProductService = ReturnType<typeof buildService>;
