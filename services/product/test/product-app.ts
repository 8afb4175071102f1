/** Starts the product service in-process on port 0 against the test infrastructure. */
import { createAuth } from '@shop/auth';
import { createRedis } from '@shop/cache';
import { createDb, migrateLatest, type Db } from '@shop/db';
import { createLogger } from '@shop/logger';
import { Broker, createUnitOfWork, startOutboxRelay, type OutboxRelay } from '@shop/messaging';
import { listen, testEnv } from '@shop/testing';
import { createApp } from '../src/app.js';
import { productEnv } from '../src/config.js';
import { migrationsDir } from '../src/data/migrations-dir.js';

// Response bodies are untyped JSON that the tests check field by field (and against the OpenAPI document).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ProductApp {
  url: string;
  db: Db;
  broker: Broker;
  relay: OutboxRelay;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call<T = any>(method: string, path: string, options?: { token?: string; body?: unknown; raw?: string }): Promise<Reply<T>>;
  close(): Promise<void>;
}

export async function startProductApp(overrides: Record<string, string> = {}, { migrate = true } = {}): Promise<ProductApp> {
  const config = productEnv.parse(testEnv('product', overrides));
  const logger = createLogger('product-test', config.LOG_LEVEL);
  const db = createDb(config.DATABASE_URL, { poolMax: 5 });
  if (migrate) await migrateLatest(db, migrationsDir);
  const redis = createRedis({ url: config.REDIS_URL });
  redis.on('error', () => undefined);
  const broker = Broker.connect({ url: config.AMQP_URL, logger, serviceName: 'product-test', reconnect: { initialDelayMs: 100, maxDelayMs: 500 } });
  const relay = startOutboxRelay({ db, broker, logger, intervalMs: 100 });
  const auth = createAuth({ keycloakUrl: config.KEYCLOAK_URL, realm: config.KEYCLOAK_REALM, audience: config.JWT_AUDIENCE, redis, logger });
  const uow = createUnitOfWork({ db, source: config.INSTANCE_ID ?? config.SERVICE_NAME, relay });
  const app = createApp({ config, logger, db, redis, broker, uow, auth });
  const server = await listen(app, [() => relay.stop(), () => broker.close(), () => db.destroy(), () => redis.disconnect()]);

  async function call<T>(method: string, path: string, options: { token?: string; body?: unknown; raw?: string } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  return { url: server.url, db, broker, relay, call, close: () => server.close() };
}

let counter = 0;
/** A unique token per test run, so each test's data is its own. */
export function unique(prefix = 't'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`.toLowerCase();
}

export function productInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { sku: unique('SKU-').toUpperCase(), name: 'Test Hoodie', price: 4999, currency: 'EUR', initialStock: 10, ...overrides };
}
