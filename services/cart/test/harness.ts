import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@shop/cache';
import { ALLOWED_SENDERS, makeEvent, type EventData, type EventType } from '@shop/contracts';
import { migrateLatest, type Db } from '@shop/db';
import type { RequestHandler, RunningServer } from '@shop/http';
import { createLogger } from '@shop/logger';
import type { Broker } from '@shop/messaging';
import { startRpcServer } from '@shop/rpc';
import { listen, PeerBus, testEnv, waitFor } from '@shop/testing';
import { readConfig } from '../src/config.js';
import { migrationsDir } from '../src/data/migrations-dir.js';
import { buildService } from '../src/service.js';

export const env = testEnv('cart', { CART_WRITES_PER_MINUTE: '100000' });
const logger = createLogger('cart-test', env.LOG_LEVEL);

export function event<T extends EventType>(type: T, data: EventData<T>, options: { id?: string; occurredAt?: Date } = {}) {
  return makeEvent(type, data, { source: `${ALLOWED_SENDERS[type]}-test`, ...options });
}

export interface CartHarness {
  url: string;
  /** Its gRPC server (shop.cart.v1.Carts and grpc.health.v1), `127.0.0.1:<port>`. */
  grpcAddress: string;
  db: Db;
  redis: RedisClient;
  broker: Broker;
  /** Publishes each event as the service its type belongs to (its own broker user). */
  bus: PeerBus;
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

/** The cart service in-process on a free port, built by its composition root, against the test infra. */
export async function startCart(overrides: Record<string, string> = {}, writeLimit?: RequestHandler): Promise<CartHarness> {
  const config = readConfig({ ...env, ...overrides });
  const service = buildService(config, { logger, writeLimit, retryDelaysMs: [100, 200] });
  const { db, redis, broker } = service;
  await migrateLatest(db, migrationsDir);
  await broker.waitUntilConnected();
  await Promise.all(service.consumers.map((s) => s.waitUntilActive()));
  // As runService does: the gRPC server on a port of its own, stopped before the clients close.
  const rpc = await startRpcServer({ ...service.rpc, port: 0, logger });
  const server: RunningServer = await listen(service.app, [() => rpc.close(1_000), ...service.closers]);
  const bus = new PeerBus('test-cart');

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
    await bus.publish(event('product.created.v1', {
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
    grpcAddress: `127.0.0.1:${rpc.port}`,
    db,
    redis,
    broker,
    bus,
    call,
    product,
    close: async () => {
      await bus.close();
      await server.close();
    },
  };
}

/** A fresh guest cart id. */
export async function guestCart(h: CartHarness): Promise<string> {
  const res = await h.call('POST', '/api/cart');
  if (res.status !== 201) throw new Error(`POST /api/cart answered ${res.status}`);
  return res.body.id as string;
}
