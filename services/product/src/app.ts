import type { Auth } from '@shop/auth';
import { Cache, type RedisClient } from '@shop/cache';
import { AppError } from '@shop/errors';
import type { Db } from '@shop/db';
import { createHttpApp, mountRoutes, type Express } from '@shop/http';
import type { Logger } from '@shop/logger';
import type { Broker, UnitOfWork } from '@shop/messaging';
import { readinessOf } from '@shop/service';
import type { ProductConfig } from './config.js';
import { createCatalogCache } from './data/catalog.cache.js';
import { createCategoryRepository } from './data/category.repository.js';
import { createCreatorRepository } from './data/creator.repository.js';
import { createProductRepository } from './data/product.repository.js';
import { createRecommendationCache } from './data/recommendation.cache.js';
import { createRecommendationRepository } from './data/recommendation.repository.js';
import type { CatalogDeps, RecommendationDeps } from './domain/ports.js';
import { productApi, productDocument } from './http/api.js';
import { GRAPHQL_PATH, graphqlGateway, type GatewaySettings } from './graphql/gateway.js';

/** The gateway's settings from the config. */
function gatewaySettings(c: ProductConfig): GatewaySettings {
  return {
    urls: { user: c.GRAPHQL_USER_URLS, product: c.GRAPHQL_PRODUCT_URLS, cart: c.GRAPHQL_CART_URLS, order: c.GRAPHQL_ORDER_URLS },
    timeoutMs: c.GRAPHQL_UPSTREAM_TIMEOUT_MS,
    maxDepth: c.GRAPHQL_MAX_DEPTH,
    maxCost: c.GRAPHQL_MAX_COST,
    cacheTtlSeconds: c.GRAPHQL_CACHE_TTL_SECONDS,
    production: c.NODE_ENV === 'production',
  };
}

export interface AppDeps {
  config: ProductConfig;
  logger: Logger;
  db: Db;
  redis: RedisClient;
  broker: Pick<Broker, 'assertConnected'>;
  /** Rows and their events in one transaction; kicks the relay after each commit. */
  uow: UnitOfWork;
  auth: Auth;
}

/** The use cases' dependencies, built from the process's clients (also used by the seed). */
export function catalogDeps(deps: Omit<AppDeps, 'auth' | 'broker'>): CatalogDeps {
  const { db, config, uow } = deps;
  return {
    write: (work, ctx) =>
      uow.run(
        ({ trx, outbox }) =>
          work({ products: createProductRepository(trx), categories: createCategoryRepository(trx), creators: createCreatorRepository(trx), outbox }),
        { correlationId: ctx?.correlationId },
      ),
    products: createProductRepository(db),
    categories: createCategoryRepository(db),
    creators: createCreatorRepository(db),
    cache: createCatalogCache(new Cache(deps.redis, deps.logger, 'product'), config.CACHE_TTL_SECONDS),
  };
}

export function recommendationDeps(deps: Pick<AppDeps, 'db' | 'redis' | 'logger' | 'config'>): RecommendationDeps {
  return {
    products: createProductRepository(deps.db),
    recommendations: createRecommendationRepository(deps.db),
    cache: createRecommendationCache(new Cache(deps.redis, deps.logger, 'product'), deps.config.CACHE_TTL_SECONDS),
  };
}

/** Wiring only: routes, guards and readiness; main.ts owns the clients and listen(). */
export function createApp(deps: AppDeps): Express {
  const catalog = catalogDeps(deps);
  const doc = productDocument();

  return createHttpApp({
    name: deps.config.SERVICE_NAME,
    logger: deps.logger,
    readiness: readinessOf(deps, 'db', 'redis', 'broker'),
    routes: (app) => {
      app.get(['/openapi.json', '/api/products/openapi.json'], (_req, res) => {
        res.json(doc);
      });
      mountRoutes(app, productApi, { deps: { ...catalog, db: deps.db, recommendations: recommendationDeps(deps) }, auth: deps.auth });
      // The GraphQL gateway for storefronts that want it (docs/decisions.md: why it lives here).
      app.all(GRAPHQL_PATH, deps.auth.optional, graphqlGateway({ settings: gatewaySettings(deps.config), redis: deps.redis, logger: deps.logger }));
      // A database that cannot hand out a connection is a fast 503, not a 500.
      app.use(dbUnavailable);
    },
  });
}

const dbUnavailable = (err: unknown, _req: unknown, _res: unknown, next: (err?: unknown) => void) => {
  const e = err as { name?: string; code?: string; message?: string };
  const down = e?.name === 'KnexTimeoutError' || ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '08001'].includes(e?.code ?? '');
  next(down ? AppError.unavailable('Catalog database') : err);
};
