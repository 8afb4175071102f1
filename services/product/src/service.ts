import { Cache } from '@shop/cache';
import { composeService, type PlatformOverrides } from '@shop/service';
import { createApp } from './app.js';
import type { ProductConfig } from './config.js';
import { consumeCatalogChanges } from './messaging/graphql-cache.consumer.js';

/** The composition root shared by main.ts and the component tests (the start-up is @shop/service). */
export function buildService(config: ProductConfig, options: PlatformOverrides = {}) {
  return composeService({
    config,
    outbox: true,
    overrides: options,
    wire: (p) => ({
      app: createApp(p),
      consumers: [consumeCatalogChanges(p.broker, new Cache(p.redis, p.logger, 'product'))],
    }),
  });
}

export type ProductService = ReturnType<typeof buildService>;
