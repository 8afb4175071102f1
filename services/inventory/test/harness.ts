import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { RedisClient } from '@shop/cache';
import { ALLOWED_SENDERS, makeEvent, type EventData, type EventEnvelope, type EventType } from '@shop/contracts';
import { createDb, migrateLatest, type Db } from '@shop/db';
import type { RunningServer } from '@shop/http';
import { createLogger } from '@shop/logger';
import { EVENTS_EXCHANGE, type Broker, type OutboxRelay, type Subscription, type UnitOfWork } from '@shop/messaging';
import { listen, PeerBus, TEST_ADMIN_AMQP, testEnv } from '@shop/testing';
import { readConfig } from '../src/config.js';
import { migrationsDir } from '../src/data/migrations-dir.js';
import type { ConsumerDeps } from '../src/messaging/handler-context.js';
import { buildService } from '../src/service.js';

export const env = testEnv('inventory');
export const logger = createLogger('inventory-test', env.LOG_LEVEL);
export const SOURCE = 'inventory-test';
/** The tests' administrator on the vhost (the service's own user may not bind probe queues). */
export const ADMIN_AMQP_URL = TEST_ADMIN_AMQP('test-inventory');

/** Events as the order and product services would publish them. */
export function event<T extends EventType>(type: T, data: EventData<T>, id?: string) {
  return makeEvent(type, data, { source: `${ALLOWED_SENDERS[type]}-test`, id });
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
  /** Publishes each event as the service its type belongs to (its own broker user). */
  peers: PeerBus;
  relay: OutboxRelay;
  uow: UnitOfWork;
  subscriptions: Subscription[];
  server: RunningServer;
  deps: ConsumerDeps;
  close(): Promise<void>;
}

/** The whole service in-process, built by its composition root, against the test database and vhost. */
export async function startInventory(options: { ttlSeconds?: number } = {}): Promise<Harness> {
  const config = readConfig({
    ...env,
    INSTANCE_ID: SOURCE,
    RESERVATION_TTL_SECONDS: String(options.ttlSeconds ?? 120),
  });
  const service = buildService(config, { logger, db: { poolMax: 20 }, broker: { publishTimeoutMs: 2_000 }, relay: { intervalMs: 100 } });
  const { db, broker } = service;
  await migrateLatest(db, migrationsDir);
  await broker.waitUntilConnected();
  await Promise.all(service.consumers.map((s) => s.waitUntilActive()));
  const server = await listen(service.app, service.closers);
  const peers = new PeerBus('test-inventory');
  const close = async () => {
    await peers.close();
    await server.close();
  };
  return { ...service, peers, subscriptions: service.consumers, server, close };
}
