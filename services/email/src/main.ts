import { createAuth } from '@shop/auth';
import { createRedis } from '@shop/cache';
import { createDb } from '@shop/db';
import { startServer } from '@shop/http';
import { createLogger } from '@shop/logger';
import { Broker } from '@shop/messaging';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { SmtpMailer } from './mail/smtp-mailer.js';
import type { ConsumerDeps } from './messaging/mail-context.js';
import { consumeOrderMails } from './messaging/order-mails.consumer.js';
import { consumeUserEvents } from './messaging/user-events.consumer.js';

const config = readConfig();
const name = config.INSTANCE_ID ?? config.SERVICE_NAME;
const logger = createLogger(name, config.LOG_LEVEL);
// Each message in flight holds two connections while it sends (inbox transaction + journal).
const db = createDb(config.DATABASE_URL, { poolMax: Math.max(config.DATABASE_POOL_MAX, 4 * config.MAIL_CONCURRENCY + 2) });
const redis = createRedis({ url: config.REDIS_URL, nodes: config.REDIS_NODES });
redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis error'));
const broker = Broker.connect({ url: config.AMQP_URL, logger, serviceName: name });
const auth = createAuth({ keycloakUrl: config.KEYCLOAK_URL, realm: config.KEYCLOAK_REALM, audience: config.JWT_AUDIENCE, redis, logger });
const mailer = new SmtpMailer(config.SMTP_URL, config.MAIL_FROM, config.SMTP_TIMEOUT_MS);

const deps: ConsumerDeps = {
  db,
  mailer,
  logger,
  retryDelaysMs: config.MAIL_RETRY_DELAYS_MS,
  concurrency: config.MAIL_CONCURRENCY,
  idDomain: config.MAIL_ID_DOMAIN,
};
const subscriptions = [consumeUserEvents(broker, deps), consumeOrderMails(broker, deps)];
const app = createApp({ db, redis, broker, auth, logger });

await startServer(app, config.PORT, logger, [
  () => Promise.all(subscriptions.map((s) => s.cancel())),
  () => broker.close(),
  () => mailer.close(),
  () => db.destroy(),
  () => redis.quit(),
]);
