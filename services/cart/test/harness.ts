import { randomUUID } from 'node:crypto';
import { createAuth } from '@shop/auth';
import { createRedis, type RedisClient } from '@shop/cache';
import { makeEvent, type EventData, type EventType } from '@shop/contracts';
import { createDb, migrateLatest, type Db } from '@shop/db';
import type { RequestHandler, RunningServer } from '@shop/http';
import { createLogger } from '@shop/logger';
import { Broker, type Subscription } from '@shop/messaging';
import { listen, testEnv, waitFor } from '@shop/testing';
import { createApp } from '../src/app.js';
import { readConfig } from '../src/config.js';
import { migrationsDir } from '../src/data/migrations-dir.js';
import { consumeOrderConfirmed } from '../src/messaging/order-confirmed.consumer.js';
import { consumeProductEvents } from '../src/messaging/product.consumer.js';

export const env = testEnv('cart', { CART_WRITES_PER_MINUTE: '100000' });
const logger = createLogger('cart-test', env.LOG_LEVEL);

export function event<T extends EventType>(type: T, data: EventData<T>, options: { id?: string; occurredAt?: Date } = {}) {
  return makeEvent(type, data, { source: 'cart-test', ...options });
}

export interface CartHarness {
  url: string;
  db: Db;
  redis: RedisClient;
  broker: Broker;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  /** Publishes product.created.v1 and waits until the cart's snapshot has it. */
  product(fields?: Partial<EventData<'product.created.v1'>>): Promise<string>;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  // Tests read answers loosely and check their shape against the OpenAPI document.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  cartId?: string;
  headers?: Record<string, string>;
}

/** The cart service in-process on a free port, with its consumers, against the test infra. */
export async function startCart(overrides: Record<string, string> = {}, writeLimit?: RequestHandler): Promise<CartHarness> {
  const config = readConfig({ ...env, ...overrides });
  const db = createDb(config.DATABASE_URL);
  await migrateLatest(db, migrationsDir);
  const redis = createRedis({ url: config.REDIS_URL });
  const broker = Broker.connect({ url: config.AMQP_URL, logger, serviceName: 'cart-test' });
  await broker.waitUntilConnected();
  const auth = createAuth({ keycloakUrl: config.KEYCLOAK_URL, realm: config.KEYCLOAK_REALM, audience: config.JWT_AUDIENCE, redis, logger });
  const subs: Subscription[] = [consumeProductEvents(broker, db, [100, 200]), consumeOrderConfirmed(broker, db, [100, 200])];
  await Promise.all(subs.map((s) => s.waitUntilActive()));
  const server: RunningServer = await listen(createApp({ config, db, redis, broker, auth, logger, writeLimit }));

  const call: CartHarness['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.cartId) headers['x-cart-id'] = options.cartId;
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };

  const product: CartHarness['product'] = async (fields = {}) => {
    const productId = fields.productId ?? randomUUID();
    await broker.publish(event('product.created.v1', {
      productId,
      sku: `SKU-${productId.slice(0, 8)}`,
      name: 'Test product',
      price: 1000,
      currency: 'EUR',
      status: 'ACTIVE',
      ...fields,
    }));
    await waitFor(() => db('product_snapshots').where({ id: productId }).first(), { what: `snapshot of ${productId}` });
    return productId;
  };

  return {
    url: server.url,
    db,
    redis,
    broker,
    call,
    product,
    close: async () => {
      await server.close();
      await Promise.all(subs.map((s) => s.cancel()));
      await broker.close();
      await db.destroy();
      redis.disconnect();
    },
  };
}

/** A fresh guest cart id. */
export async function guestCart(h: CartHarness): Promise<string> {
  const res = await h.call('POST', '/api/cart');
  if (res.status !== 201) throw new Error(`POST /api/cart answered ${res.status}`);
  return res.body.id as string;
}
