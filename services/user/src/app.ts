import type { BlockList } from 'node:net';
import type { Auth } from '@shop/auth';
import type { RedisClient } from '@shop/cache';
import type { Db } from '@shop/db';
import { createHttpApp, mountRoutes, type Express, type RequestHandler } from '@shop/http';
import type { Logger } from '@shop/logger';
import type { Broker } from '@shop/messaging';
import { readinessOf } from '@shop/service';
import type { IdentityProvider, LoginGuard, ProfileStore, SessionDenyList } from './domain/ports.js';
import { userApi, userDocument } from './http/api.js';

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
  const doc = userDocument();
  return createHttpApp({
    name: 'user',
    logger: deps.logger,
    bodyLimit: '16kb',
    readiness: readinessOf(deps, 'db', 'redis', 'broker', 'keycloak'),
    routes: (app) => {
      app.get(['/openapi.json', '/api/users/openapi.json'], (_req, res) => {
        res.json(doc);
      });
      if (deps.limits) {
        app.post('/api/auth/register', deps.limits.register);
        app.post('/api/auth/refresh', deps.limits.refresh);
      }
      mountRoutes(app, userApi, { deps, auth: deps.auth });
    },
  });
}
