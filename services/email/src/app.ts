import { createHttpApp, mountRoutes, type Express } from '@shop/http';
import type { Auth } from '@shop/auth';
import type { RedisClient } from '@shop/cache';
import type { Db } from '@shop/db';
import type { Logger } from '@shop/logger';
import type { Broker } from '@shop/messaging';
import { readinessOf } from '@shop/service';
import { emailDocument, emailRoutes } from './http/admin.routes.js';

export interface AppDeps {
  db: Db;
  redis: RedisClient;
  broker: Pick<Broker, 'assertConnected'>;
  auth: Auth;
  logger: Logger;
}

/**
 * Health, metrics, OpenAPI and the admin views. SMTP is deliberately not a readiness
 * check: with SMTP down the service still takes events and holds them for retry.
 */
export function createApp({ db, redis, broker, auth, logger }: AppDeps): Express {
  return createHttpApp({
    name: 'email',
    logger,
    bodyLimit: '1kb',
    readiness: readinessOf({ db, redis, broker }, 'db', 'redis', 'broker'),
    routes: (app) => {
      const doc = emailDocument();
      app.get('/api/email/openapi.json', (_req, res) => {
        res.json(doc);
      });
      mountRoutes(app, emailRoutes, { deps: { db }, auth });
    },
  });
}
