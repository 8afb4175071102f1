import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { createAuth } from '@shop/auth';
import { createRedis, type RedisClient } from '@shop/cache';
import { makeEvent, type EventData, type EventEnvelope, type EventType } from '@shop/contracts';
import { createDb, migrateLatest, type Db } from '@shop/db';
import type { RunningServer } from '@shop/http';
import { createLogger } from '@shop/logger';
import { Broker, createUnitOfWork, EVENTS_EXCHANGE, startOutboxRelay, type OutboxRelay, type Subscription, type UnitOfWork } from '@shop/messaging';
import { listen, testEnv } from '@shop/testing';
import { createApp } from '../src/app.js';
import { migrationsDir } from '../src/data/migrations-dir.js';
import { startSweeper, type Sweeper } from '../src/jobs/reservation-sweeper.js';
import type { ConsumerDeps } from '../src/messaging/handler-context.js';
import { consumeOrderOutcomes } from '../src/messaging/order-outcome.consumer.js';
import { consumeOrderPlaced } from '../src/messaging/order-placed.consumer.js';
import { consumeProductEvents } from '../src/messaging/product-events.consumer.js';

export const env = testEnv('inventory');
export const logger = createLogger('inventory-test', env.LOG_LEVEL);
export const SOURCE = 'inventory-test';

/** Events as the order and product services would publish them. */
export function event<T extends EventType>(type: T, data: EventData<T>, id?: string) {
  return makeEvent(type, data, { source: 'test-producer', id });
}

export function placed(items: Array<{ productId: string; quantity: number }>, options: { orderId?: string; expiresAt?: Date } = {}) {
  return event('order.placed.v1', {
    orderId: options.orderId ?? randomUUID(),
    userId: randomUUID(),
    items: items.map((i) => ({ ...i, unitPrice: 1000 })),
    total: items.reduce((n, i) => n + i.quantity * 1000, 0),
    currency: 'EUR',
    expiresAt: (options.expiresAt ?? new Date(Date.now() + 120_000)).toISOString(),
  });
}

export async function migratedDb(poolMax = 10, acquireTimeoutMs = 3_000): Promise<Db> {
  const db = createDb(env.DATABASE_URL, { poolMax, acquireTimeoutMs });
  await migrateLatest(db, migrationsDir);
  return db;
}

export async function seedStock(db: Db, available: number, productId = randomUUID()): Promise<string> {
  await db('stock').insert({ product_id: productId, available, added: available });
  return productId;
}

export async function stockOf(db: Db, productId: string) {
  const row = await db('stock').where({ product_id: productId }).first();
  return row && { available: row.available, reserved: row.reserved, sold: row.sold, added: row.added };
}

export async function reservationOf(db: Db, orderId: string) {
  return db('reservations').where({ order_id: orderId }).first();
}

/** Events this service wrote for an order, oldest first. */
export async function outboxFor(db: Db, orderId: string): Promise<EventEnvelope[]> {
  const rows = await db('outbox').whereRaw("payload->'data'->>'orderId' = ?", [orderId]).orderBy('created_at');
  return rows.map((r) => r.payload as EventEnvelope);
}

/** An exclusive queue on shop.events that records what actually reached the bus. */
export class BusProbe {
  readonly seen: EventEnvelope[] = [];
  private constructor(
    private readonly conn: ChannelModel,
    readonly ch: Channel,
  ) {}

  static async open(url: string, keys: string[]): Promise<BusProbe> {
    const conn = await amqp.connect(url);
    const ch = await conn.createChannel();
    const probe = new BusProbe(conn, ch);
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
    for (const key of keys) await ch.bindQueue(queue, EVENTS_EXCHANGE, key);
    await ch.consume(queue, (msg: ConsumeMessage | null) => {
      if (msg) probe.seen.push(JSON.parse(msg.content.toString()));
    }, { noAck: true });
    return probe;
  }

  forOrder(orderId: string): EventEnvelope[] {
    return this.seen.filter((e) => (e.data as { orderId?: string }).orderId === orderId);
  }

  /** Publishes raw bytes, as a producer with a bug would. */
  publishRaw(routingKey: string, body: string, messageId: string = randomUUID()): void {
    this.ch.publish(EVENTS_EXCHANGE, routingKey, Buffer.from(body), { messageId, type: routingKey, persistent: true });
  }

  async close(): Promise<void> {
    await this.conn.close().catch(() => {});
  }
}

export interface Harness {
  db: Db;
  redis: RedisClient;
  broker: Broker;
  relay: OutboxRelay;
  uow: UnitOfWork;
  sweeper: Sweeper;
  subscriptions: Subscription[];
  server: RunningServer;
  deps: ConsumerDeps;
  close(): Promise<void>;
}

/** The whole service in-process, as main.ts wires it, against the test database and vhost. */
export async function startInventory(options: { sweepIntervalMs?: number; ttlSeconds?: number } = {}): Promise<Harness> {
  const db = await migratedDb(20);
  const redis = createRedis({ url: env.REDIS_URL });
  redis.on('error', () => {});
  const broker = Broker.connect({ url: env.AMQP_URL, logger, serviceName: SOURCE, publishTimeoutMs: 2_000 });
  await broker.waitUntilConnected();
  const auth = createAuth({ keycloakUrl: env.KEYCLOAK_URL, realm: env.KEYCLOAK_REALM, audience: env.JWT_AUDIENCE, redis, logger });
  const relay = startOutboxRelay({ db, broker, logger, intervalMs: 100 });
  const uow = createUnitOfWork({ db, source: SOURCE, relay });
  const deps: ConsumerDeps = { uow, logger, reservationTtlSeconds: options.ttlSeconds ?? 120 };
  const subscriptions = [consumeProductEvents(broker, db, deps), consumeOrderPlaced(broker, db, deps), consumeOrderOutcomes(broker, db, deps)];
  await Promise.all(subscriptions.map((s) => s.waitUntilActive()));
  const sweeper = startSweeper({
    uow,
    logger,
    intervalMs: options.sweepIntervalMs ?? 600_000,
    batchSize: 100,
  });
  const server = await listen(createApp({ db, redis, broker, auth, logger }));
  return {
    db,
    redis,
    broker,
    relay,
    uow,
    sweeper,
    subscriptions,
    server,
    deps,
    close: async () => {
      await server.close();
      await Promise.all(subscriptions.map((s) => s.cancel()));
      await sweeper.stop();
      await relay.stop();
      await broker.close();
      await db.destroy();
      redis.disconnect();
    },
  };
}
