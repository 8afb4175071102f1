import { baseEnv, loadConfig, z } from '@shop/config';

/** The user service's environment; process.env is read here and nowhere else. */
export const userEnv = baseEnv.extend({
  SERVICE_NAME: z.string().min(1).default('user'),
  /** The confidential client that does password logins and, as a service account, creates users. */
  KEYCLOAK_CLIENT_ID: z.string().min(1).default('user-service'),
  /** Local-only default from keycloak-docker-compose/realm-shop.json; real deployments inject it. */
  KEYCLOAK_CLIENT_SECRET: z.string().min(1).default('user-service-local-secret'),
  /** Every call to Keycloak gives up after this long and answers 503. */
  KEYCLOAK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3_000),
  /** The realm's accessTokenLifespan: a logged-out session stays denied at least this long. */
  ACCESS_TOKEN_LIFESPAN_SEC: z.coerce.number().int().min(30).max(86_400).default(300),
  /** Wrong passwords in a row for one email from one address before it is blocked. */
  LOGIN_MAX_CONSECUTIVE_FAILS: z.coerce.number().int().min(1).max(1_000).default(5),
  /** The window those wrong passwords are counted in. */
  LOGIN_FAIL_WINDOW_SEC: z.coerce.number().int().min(1).max(86_400).default(3_600),
  LOGIN_BLOCK_SEC: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Failed logins for one email from any address per hour before its password logins wait LOGIN_BLOCK_SEC. */
  LOGIN_MAX_FAILS_PER_EMAIL_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Failed logins from one address per day, whatever the email, before the address is slowed down (never locked out). */
  LOGIN_MAX_FAILS_PER_IP_PER_DAY: z.coerce.number().int().min(1).max(100_000).default(100),
  /** A slowed address: login attempts per second that have not turned out right. */
  LOGIN_SLOWED_ATTEMPTS_PER_SEC: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Sign-ups per address per minute (a carrier NAT is many buyers, so not tiny). */
  REGISTER_PER_IP_PER_MIN: z.coerce.number().int().min(1).max(100_000).default(600),
  /** Token refreshes per address per minute. */
  REFRESH_PER_IP_PER_MIN: z.coerce.number().int().min(1).max(100_000).default(1_200),
  /** Keycloak calls one replica has in flight at most; more wait briefly in line, then 503. */
  KEYCLOAK_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1_000).default(16),
  /** Calls allowed to wait for a free slot (beyond: an immediate 503 with Retry-After). */
  KEYCLOAK_MAX_QUEUED: z.coerce.number().int().min(0).max(10_000).default(32),
  /** The longest a call waits in line for a slot before it is a 503. */
  KEYCLOAK_QUEUE_TIMEOUT_MS: z.coerce.number().int().min(0).max(30_000).default(1_000),
  /** Peers whose X-Real-IP is believed (the nginx edge); comma-separated CIDRs. */
  TRUSTED_PROXIES: z.string().default('127.0.0.0/8,::1/128'),
});

export type UserConfig = z.infer<typeof userEnv>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): UserConfig {
  return loadConfig(userEnv, env);
}
