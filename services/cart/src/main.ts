import { createAuth } from '@shop/auth';
import { createRedis } from '@shop/cache';
import { createDb } from '@shop/db';
import { startServer } from '@shop/http';
import { createLogger } from '@shop/logger';
import { Broker } from '@shop/messaging';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { startGuestCartSweeper } from './jobs/guest-cart-sweeper.js';
import { consumeOrderConfirmed } from './messaging/order-confirmed.consumer.js';
import { consumeProductEvents } from './messaging/product.consumer.js';

const config = readConfig();
const logger = createLogger(config.INSTANCE_ID ?? config.SERVICE_NAME, config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL, { poolMax: config.DATABASE_POOL_MAX });
const redis = createRedis({ url: config.REDIS_URL, nodes: config.REDIS_NODES });
redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis error'));
const broker = Broker.connect({ url: config.AMQP_URL, logger, serviceName: config.INSTANCE_ID ?? config.SERVICE_NAME });
const auth = createAuth({
  keycloakUrl: config.KEYCLOAK_URL,
  realm: config.KEYCLOAK_REALM,
  audience: config.JWT_AUDIENCE,
  redis,
  logger,
});

const subscriptions = [consumeProductEvents(broker, db), consumeOrderConfirmed(broker, db)];
const sweeper = startGuestCartSweeper(db, logger, config.GUEST_CART_TTL_DAYS, config.SWEEP_INTERVAL_MS);
const app = createApp({ config, db, redis, broker, auth, logger });

await startServer(app, config.PORT, logger, [
  () => Promise.all(subscriptions.map((s) => s.cancel())),
  () => sweeper.stop(),
  () => broker.close(),
  () => db.destroy(),
  () => redis.quit(),
]);
