import { composeLanes, createHttpApp, leanLane, mountRoutes, type Express, type LeanLane, type RequestHandler } from '@shop/http';
import type { Db } from '@shop/db';
import type { RedisClient } from '@shop/cache';
import type { Auth } from '@shop/auth';
import type { Logger } from '@shop/logger';
import type { Broker } from '@shop/messaging';
import { readinessOf } from '@shop/service';
import type { PlaceOrderDeps } from './domain/place-order.js';
import type { OutcomeDeps } from './domain/order-outcomes.js';
import type { OrderDb } from './domain/ports.js';
import type { DropDeps } from './domain/drops.js';
import type { InvoiceStore } from './domain/invoice-ports.js';
import { orderApi, orderDocument } from './http/api.js';

export interface AppDeps {
  logger: Logger;
  db: Db;
  store: OrderDb;
  redis: RedisClient;
  broker: Broker;
  auth: Auth;
  place: PlaceOrderDeps;
  outcomes: OutcomeDeps;
  placeLimiter: RequestHandler;
  drops: DropDeps;
  invoices: InvoiceStore;
  jwks: () => Promise<unknown>;
  /** POST /api/orders answered "sold out" from memory (http/sold-out-lane.ts), before the other lanes. */
  soldOut?: LeanLane;
}

/** Wiring only: routes, readiness and the OpenAPI document. No listen() here. */
export function createApp(deps: AppDeps): Express {
  const { db, redis, broker, auth } = deps;
  const doc = orderDocument();
  const { store, place, outcomes, placeLimiter, drops, invoices, jwks } = deps;
  const routeDeps = { db, store, place, outcomes, placeLimiter, drops, invoices, jwks };
  return createHttpApp({
    name: 'order',
    logger: deps.logger,
    readiness: readinessOf({ db, redis, broker, auth }, 'db', 'redis', 'broker', 'keycloak'),
    routes: (app) => {
      app.get(['/openapi.json', '/api/orders/openapi.json', '/api/drops/openapi.json'], (_req, res) => {
        res.json(doc);
      });
      mountRoutes(app, orderApi, { deps: routeDeps, auth });
    },
    // The drop's join and poll (routes marked `lean`): straight from node:http.
    // The sold-out order answered from memory, and the drop's join and poll (routes marked `lean`): straight from node:http.
    lean: composeLanes(...(deps.soldOut ? [deps.soldOut] : []), leanLane(orderApi, { deps: routeDeps, auth, logger: deps.logger })),
  });
}
