import { createAuth, denyToken } from '@shop/auth';
import { createRedis, type RedisClient } from '@shop/cache';
import { createDb, type Db } from '@shop/db';
import { AppError } from '@shop/errors';
import type { Express } from '@shop/http';
import { createLogger, type Logger } from '@shop/logger';
import { Broker, createUnitOfWork, startOutboxRelay, type OutboxRelay } from '@shop/messaging';
import { rateLimit, trustedProxySet } from '@shop/ratelimit';
import { createApp } from './app.js';
import type { UserConfig } from './config.js';
import { createProfileStore } from './data/profile.store.js';
import type { IdentityProvider, SessionDenyList } from './domain/ports.js';
import { KeycloakIdentity } from './identity/keycloak.identity.js';
import { createLoginGuard } from './security/login-guard.js';

export interface UserService {
  app: Express;
  db: Db;
  redis: RedisClient;
  broker: Broker;
  relay: OutboxRelay;
  logger: Logger;
  /** Stops the relay, then closes broker, database and Redis, in that order. */
  closers: Array<() => Promise<unknown>>;
}

/** The composition root shared by main.ts and the component tests: config → db → redis → broker → http. */
export function buildService(config: UserConfig, options: { identity?: IdentityProvider } = {}): UserService {
  const source = config.INSTANCE_ID ?? config.SERVICE_NAME;
  const logger = createLogger(source, config.LOG_LEVEL);
  const db = createDb(config.DATABASE_URL, { poolMax: config.DATABASE_POOL_MAX });
  const redis = createRedis({ url: config.REDIS_URL, nodes: config.REDIS_NODES });
  redis.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis error'));
  const broker = Broker.connect({ url: config.AMQP_URL, logger, serviceName: source });
  const relay = startOutboxRelay({ db, broker, logger });

  const identity =
    options.identity ??
    new KeycloakIdentity({
      url: config.KEYCLOAK_URL,
      realm: config.KEYCLOAK_REALM,
      clientId: config.KEYCLOAK_CLIENT_ID,
      clientSecret: config.KEYCLOAK_CLIENT_SECRET,
      timeoutMs: config.KEYCLOAK_TIMEOUT_MS,
      bulkhead: { maxInFlight: config.KEYCLOAK_MAX_IN_FLIGHT, maxQueued: config.KEYCLOAK_MAX_QUEUED, queueTimeoutMs: config.KEYCLOAK_QUEUE_TIMEOUT_MS },
      logger,
    });
  const auth = createAuth({ keycloakUrl: config.KEYCLOAK_URL, realm: config.KEYCLOAK_REALM, audience: config.JWT_AUDIENCE, redis, logger, jwksTimeoutMs: config.KEYCLOAK_TIMEOUT_MS });
  const denyList: SessionDenyList = {
    deny: (caller) =>
      denyToken(redis, { sub: caller.id, sid: caller.sid, jti: caller.jti, exp: caller.exp }, { maxTokenLifetimeSec: config.ACCESS_TOKEN_LIFESPAN_SEC }).catch(() => {
        throw AppError.unavailable('Session store (Redis)');
      }),
  };
  const guard = createLoginGuard({
    redis,
    maxConsecutiveFails: config.LOGIN_MAX_CONSECUTIVE_FAILS,
    blockSec: config.LOGIN_BLOCK_SEC,
    maxFailsPerEmailPerHour: config.LOGIN_MAX_FAILS_PER_EMAIL_PER_HOUR,
    maxFailsPerIpPerDay: config.LOGIN_MAX_FAILS_PER_IP_PER_DAY,
    slowedAttemptsPerSec: config.LOGIN_SLOWED_ATTEMPTS_PER_SEC,
  });
  const profiles = createProfileStore(createUnitOfWork({ db, source, relay }));
  const trustedProxies = trustedProxySet(config.TRUSTED_PROXIES.split(',').filter(Boolean));
  const limits = {
    register: rateLimit({ redis, keyPrefix: 'rl:register', points: config.REGISTER_PER_IP_PER_MIN, durationSec: 60, by: 'ip', trustedProxies: config.TRUSTED_PROXIES.split(',').filter(Boolean) }),
    refresh: rateLimit({ redis, keyPrefix: 'rl:refresh', points: config.REFRESH_PER_IP_PER_MIN, durationSec: 60, by: 'ip', trustedProxies: config.TRUSTED_PROXIES.split(',').filter(Boolean) }),
  };
  const app = createApp({ logger, db, redis, broker, auth, identity, guard, denyList, profiles, trustedProxies, source, limits });

  const closers = [() => relay.stop(), () => broker.close(), () => db.destroy(), async () => redis.disconnect()];
  return { app, db, redis, broker, relay, logger, closers };
}
