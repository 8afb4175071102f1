import { createAuth } from '@shop/auth';
import { createRedis } from '@shop/cache';
import { createDb } from '@shop/db';
import { startServer } from '@shop/http';
import { createLogger } from '@shop/logger';
import { Broker, createUnitOfWork, startOutboxRelay } from '@shop/messaging';
import { createApp } from './app.js';
import { loadProductConfig } from './config.js';

// Boot order: config → db → redis → broker → http. Nothing here waits for a dependency:
// the broker reconnects in the background and the outbox holds events until it is back.
const config = loadProductConfig();
const logger = createLogger(config.INSTANCE_ID ?? config.SERVICE_NAME, config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL, { poolMax: config.DATABASE_POOL_MAX });
const redis = createRedis({ url: config.REDIS_URL, nodes: config.REDIS_NODES });
redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis error'));
const broker = Broker.connect({ url: config.AMQP_URL, logger, serviceName: config.INSTANCE_ID ?? config.SERVICE_NAME });
const relay = startOutboxRelay({ db, broker, logger });
const auth = createAuth({
  keycloakUrl: config.KEYCLOAK_URL,
  realm: config.KEYCLOAK_REALM,
  audience: config.JWT_AUDIENCE,
  redis,
  logger,
});

// Give Redis a moment before taking traffic: a write whose cache-version bump is lost
// (client not yet connected) could leave other replicas serving a stale entry until its TTL.
await new Promise<void>((resolve) => {
  redis.once('ready', () => resolve());
  setTimeout(resolve, 3_000).unref();
});

const uow = createUnitOfWork({ db, source: config.INSTANCE_ID ?? config.SERVICE_NAME, relay });
const app = createApp({ config, logger, db, redis, broker, uow, auth });
await startServer(app, config.PORT, logger, [
  () => relay.stop(),
  () => broker.close(),
  () => db.destroy(),
  () => redis.quit().catch(() => redis.disconnect()),
]);
