import { denyToken } from '@shop/auth';
import { AppError } from '@shop/errors';
import { rateLimit, trustedProxySet } from '@shop/ratelimit';
import { composeService, type PlatformOverrides } from '@shop/service';
import { createApp } from './app.js';
import type { UserConfig } from './config.js';
import { createProfileStore } from './data/profile.store.js';
import type { IdentityProvider, SessionDenyList } from './domain/ports.js';
import { KeycloakIdentity } from './identity/keycloak.identity.js';
import { createLoginGuard } from './security/login-guard.js';

export interface UserOptions extends PlatformOverrides {
  identity?: IdentityProvider;
}

/** The composition root shared by main.ts and the component tests (the start-up is @shop/service). */
export function buildService(config: UserConfig, options: UserOptions = {}) {
  return composeService({
    config,
    outbox: true,
    auth: { jwksTimeoutMs: config.KEYCLOAK_TIMEOUT_MS },
    overrides: options,
    wire: (p) => {
      const { redis, logger } = p;
      const identity =
        options.identity ??
        new KeycloakIdentity({
          url: config.KEYCLOAK_URL,
          realm: config.KEYCLOAK_REALM,
          clientId: config.KEYCLOAK_CLIENT_ID,
          clientSecret: config.KEYCLOAK_CLIENT_SECRET,
          timeoutMs: config.KEYCLOAK_TIMEOUT_MS,
          logger,
          bulkhead: { maxInFlight: config.KEYCLOAK_MAX_IN_FLIGHT, maxQueued: config.KEYCLOAK_MAX_QUEUED, queueTimeoutMs: config.KEYCLOAK_QUEUE_TIMEOUT_MS },
        });
      const denyList: SessionDenyList = {
        deny: (caller) =>
          denyToken(redis, { sub: caller.id, sid: caller.sid, jti: caller.jti, exp: caller.exp }, { maxTokenLifetimeSec: config.ACCESS_TOKEN_LIFESPAN_SEC }).catch(() => {
            throw AppError.unavailable('Session store (Redis)');
          }),
      };
      const guard = createLoginGuard({
        redis,
        maxConsecutiveFails: config.LOGIN_MAX_CONSECUTIVE_FAILS,
        failWindowSec: config.LOGIN_FAIL_WINDOW_SEC,
        blockSec: config.LOGIN_BLOCK_SEC,
        maxFailsPerIpPerDay: config.LOGIN_MAX_FAILS_PER_IP_PER_DAY,
        maxFailsPerEmailPerHour: config.LOGIN_MAX_FAILS_PER_EMAIL_PER_HOUR,
        slowedAttemptsPerSec: config.LOGIN_SLOWED_ATTEMPTS_PER_SEC,
      });
      const profiles = createProfileStore(p.uow);
      const trustedProxies = trustedProxySet(config.TRUSTED_PROXIES.split(',').filter(Boolean));
      const proxies = config.TRUSTED_PROXIES.split(',').filter(Boolean);
      const limits = {
        register: rateLimit({ redis, keyPrefix: 'rl:register', points: config.REGISTER_PER_IP_PER_MIN, durationSec: 60, by: 'ip', trustedProxies: proxies }),
        refresh: rateLimit({ redis, keyPrefix: 'rl:refresh', points: config.REFRESH_PER_IP_PER_MIN, durationSec: 60, by: 'ip', trustedProxies: proxies }),
      };
      return { app: createApp({ ...p, identity, guard, denyList, profiles, trustedProxies, limits }) };
    },
  });
}

export type UserService = ReturnType<typeof buildService>;
