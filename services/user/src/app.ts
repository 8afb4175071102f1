import type { BlockList } from 'node:net';
import type { Auth } from '@shop/auth';
import type { RedisClient } from '@shop/cache';
import { pingDb, type Db } from '@shop/db';
import { createHttpApp, type Express, type RequestHandler } from '@shop/http';
import type { Logger } from '@shop/logger';
import type { Broker } from '@shop/messaging';
import type { IdentityProvider, LoginGuard, ProfileStore, SessionDenyList } from './domain/ports.js';
import { authRoutes } from './http/auth.routes.js';
import { openApiDocument } from './http/openapi.js';
import { usersRoutes } from './http/users.routes.js';

export interface AppDeps {
  logger: Logger;
  db: Db;
  redis: RedisClient;
  broker: Broker;
  auth: Auth;
  identity: IdentityProvider;
  guard: LoginGuard;
  denyList: SessionDenyList;
  profiles: ProfileStore;
  trustedProxies: BlockList;
  source: string;
  /** Per-address limits on the anonymous Keycloak-backed routes (login has its own guard). */
  limits?: { register: RequestHandler; refresh: RequestHandler };
}

/** Wiring only: routes, readiness and the OpenAPI document. No listen() here. */
export function createApp(deps: AppDeps): Express {
  const { db, redis, broker, auth } = deps;
  const doc = openApiDocument();
  return createHttpApp({
    name: 'user',
    logger: deps.logger,
    bodyLimit: '16kb',
    readiness: {
      db: () => pingDb(db),
      redis: () => redis.ping(),
      broker: () => broker.assertConnected(),
      keycloak: () => auth.ready(),
    },
    routes: (app) => {
      app.get(['/openapi.json', '/api/users/openapi.json'], (_req, res) => {
        res.json(doc);
      });
      if (deps.limits) {
        app.post('/api/auth/register', deps.limits.register);
        app.post('/api/auth/refresh', deps.limits.refresh);
      }
      app.use('/api/auth', authRoutes(deps));
      app.use('/api/users', usersRoutes(deps));
    },
  });
}
