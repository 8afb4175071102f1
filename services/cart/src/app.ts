import { createHttpApp, mountRoutes, type Express, type RequestHandler } from '@shop/http';
import type { Auth } from '@shop/auth';
import type { RedisClient } from '@shop/cache';
import type { Db } from '@shop/db';
import type { Logger } from '@shop/logger';
import type { Broker } from '@shop/messaging';
import { rateLimit } from '@shop/ratelimit';
import { readinessOf } from '@shop/service';
import type { CartConfig } from './config.js';
import { knexStores } from './data/stores.js';
import { cartDocument, cartRoutes } from './http/cart.routes.js';

export interface AppDeps {
  config: CartConfig;
  db: Db;
  redis: RedisClient;
  broker: Pick<Broker, 'assertConnected'>;
  auth: Auth;
  logger: Logger;
  /** Override the write budget (tests); defaults to a Redis-backed per-user limiter. */
  writeLimit?: RequestHandler;
}

export function createApp(deps: AppDeps): Express {
  const { config, db, redis, broker, auth, logger } = deps;
  const writeLimit = deps.writeLimit ?? rateLimit({
    redis,
    keyPrefix: 'rl:cart-writes',
    points: config.CART_WRITES_PER_MINUTE,
    durationSec: 60,
    by: 'user',
    onStoreError: (err) => logger.warn({ err: (err as Error).message }, 'rate limiter store error; letting the request through'),
  });
  return createHttpApp({
    name: 'cart',
    logger,
    bodyLimit: '16kb',
    readiness: readinessOf({ db, redis, broker, auth }, 'db', 'redis', 'broker', 'keycloak'),
    routes: (app) => {
      const doc = cartDocument();
      app.get('/api/cart/openapi.json', (_req, res) => {
        res.json(doc);
      });
      const policy = { guestTtlDays: config.GUEST_CART_TTL_DAYS, maxLines: config.MAX_CART_LINES };
      mountRoutes(app, cartRoutes, { deps: { db, stores: knexStores(db), policy, writeLimit }, auth });
    },
  });
}
