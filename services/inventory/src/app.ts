import type { Auth } from '@shop/auth';
import type { RedisClient } from '@shop/cache';
import type { Db } from '@shop/db';
import { createHttpApp, mountRoutes, type Express } from '@shop/http';
import type { Logger } from '@shop/logger';
import type { Broker } from '@shop/messaging';
import { readinessOf } from '@shop/service';
import { stockRepository } from './data/stock.repository.js';
import { inventoryDocument, inventoryRoutes } from './http/inventory.routes.js';

export interface AppDeps {
  db: Db;
  redis: RedisClient;
  broker: Broker;
  auth: Auth;
  logger: Logger;
}

/** Wiring only: no listen(), no timers. main.ts and the tests both build the app with this. */
export function createApp(deps: AppDeps): Express {
  const { db, redis, broker, auth, logger } = deps;
  const doc = inventoryDocument();
  return createHttpApp({
    name: 'inventory',
    logger,
    // Keycloak is left out on purpose: only admin routes need it, and a Keycloak blip must
    // not take stock reads and reservations out of the balancer.
    readiness: readinessOf({ db, redis, broker }, 'db', 'redis', 'broker'),
    routes: (app) => {
      app.get('/api/inventory/openapi.json', (_req, res) => {
        res.json(doc);
      });
      mountRoutes(app, inventoryRoutes, { deps: { db, stock: stockRepository(db) }, auth });
    },
  });
}
