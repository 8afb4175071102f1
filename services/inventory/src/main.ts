import { createAuth } from '@shop/auth';
import { createRedis } from '@shop/cache';
import { createDb } from '@shop/db';
import { startServer } from '@shop/http';
import { createLogger } from '@shop/logger';
import { Broker, createUnitOfWork, startOutboxRelay } from '@shop/messaging';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { startSweeper } from './jobs/reservation-sweeper.js';
import { consumeOrderOutcomes } from './messaging/order-outcome.consumer.js';
import { consumeOrderPlaced } from './messaging/order-placed.consumer.js';
import { consumeProductEvents } from './messaging/product-events.consumer.js';

const config = readConfig();
const instance = config.INSTANCE_ID ?? `${config.SERVICE_NAME}-${process.pid}`;
const logger = createLogger(config.SERVICE_NAME, config.LOG_LEVEL);

const db = createDb(config.DATABASE_URL, { poolMax: config.DATABASE_POOL_MAX });
const redis = createRedis({ url: config.REDIS_URL, nodes: config.REDIS_NODES });
redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis error'));
const broker = Broker.connect({ url: config.AMQP_URL, logger, serviceName: instance });
const auth = createAuth({
  keycloakUrl: config.KEYCLOAK_URL,
  realm: config.KEYCLOAK_REALM,
  audience: config.JWT_AUDIENCE,
  redis,
  logger,
});

const relay = startOutboxRelay({ db, broker, logger });
const uow = createUnitOfWork({ db, source: instance, relay });
const deps = { uow, logger, reservationTtlSeconds: config.RESERVATION_TTL_SECONDS };
const subscriptions = [
  consumeProductEvents(broker, db, deps),
  consumeOrderPlaced(broker, db, deps),
  consumeOrderOutcomes(broker, db, deps),
];
const sweeper = startSweeper({
  uow,
  logger,
  intervalMs: config.SWEEP_INTERVAL_MS,
  batchSize: config.SWEEP_BATCH_SIZE,
});

const app = createApp({ db, redis, broker, auth, logger });
// Stop taking work first, let the work in hand commit, then publish what it wrote, then close.
await startServer(app, config.PORT, logger, [
  () => Promise.all(subscriptions.map((s) => s.cancel())),
  () => sweeper.stop(),
  () => relay.stop(),
  () => broker.close(),
  () => db.destroy(),
  () => redis.quit(),
]);
