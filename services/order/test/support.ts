import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { ALLOWED_SENDERS, makeEvent, type EventData, type EventType } from '@shop/contracts';
import { migrateLatest } from '@shop/db';
import { listen, PeerBus, TEST_ADMIN_AMQP, testEnv, waitFor } from '@shop/testing';
import { orderEnv } from '../src/config.js';
import { buildService, type OrderService } from '../src/service.js';
import { migrationsDir } from '../src/data/migrations-dir.js';
import { productSnapshotRepository } from '../src/data/product-snapshot.repository.js';
import { gateKey } from '../src/gate/redis-sale-gate.js';

export interface Running {
  url: string;
  service: OrderService;
  close(): Promise<void>;
}

/** The service in-process on port 0 against order_test, Redis db 1 and the `test` vhost. */
export async function startOrderService(extra: Record<string, string> = {}, { migrate = true } = {}): Promise<Running> {
  const config = orderEnv.parse(
    testEnv('order', {
      ORDER_RATE_LIMIT_POINTS: '10000',
      PAYMENT_TIMEOUT_MS: '300',
      PAYMENT_SIMULATED_DELAY_MS: '1500',
      GATE_RECONCILE_INTERVAL_MS: '0',
      ...extra,
    }),
  );
  const service = buildService(config);
  try {
    if (migrate) await migrateLatest(service.db, migrationsDir);
  } catch (err) {
    // Otherwise the pools, the broker and the loops keep jest alive after the failed beforeAll.
    for (const close of service.closers) await close().catch(() => {});
    throw err;
  }
  const server = await listen(service.app, service.closers);
  return { url: server.url, service, close: () => server.close() };
}

/** A sellable product in the snapshot, with `units` in the sale gate (undefined: no gate key). */
export async function seedProduct(
  svc: OrderService,
  options: { price?: number; currency?: string; units?: number; cap?: number } = {},
): Promise<string> {
  const id = randomUUID();
  await productSnapshotRepository(svc.db).upsert(
    { id, name: `Product ${id.slice(0, 6)}`, price: options.price ?? 2999, currency: options.currency ?? 'EUR', status: 'ACTIVE', maxPerCustomer: options.cap ?? null },
    new Date(),
  );
  if (options.units !== undefined) await svc.redis.set(gateKey(id), String(options.units));
  return id;
}

export async function gateUnits(svc: OrderService, productId: string): Promise<number | null> {
  const v = await svc.redis.get(gateKey(productId));
  return v === null ? null : Number(v);
}

export function api(base: string, token: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}

/** Publishes real events to the test vhost, as inventory, product and user would: each as its own broker user. */
export class EventPublisher {
  private bus = new PeerBus('test-order');

  async publish<T extends EventType>(type: T, data: EventData<T>, id?: string): Promise<string> {
    const event = makeEvent(type, data, { source: `${ALLOWED_SENDERS[type]}-test`, id });
    await this.bus.publish(event);
    return event.id;
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}

/** Records every order.* and invoice.* event on the test vhost through its own exclusive queue. */
export class EventRecorder {
  readonly events: Array<{ id: string; type: string; data: Record<string, unknown> }> = [];
  private conn?: amqp.ChannelModel;

  async start(): Promise<this> {
    this.conn = await amqp.connect(TEST_ADMIN_AMQP('test-order'));
    const ch = await this.conn.createChannel();
    await ch.assertExchange('shop.events', 'topic', { durable: true, alternateExchange: 'shop.unrouted' });
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
    await ch.bindQueue(queue, 'shop.events', 'order.#');
    await ch.bindQueue(queue, 'shop.events', 'invoice.#');
    await ch.consume(queue, (msg) => msg && this.events.push(JSON.parse(msg.content.toString())), { noAck: true });
    return this;
  }

  of(type: string, orderId: string) {
    return this.events.filter((e) => e.type === type && e.data.orderId === orderId);
  }

  async close(): Promise<void> {
    await this.conn?.close().catch(() => {});
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitForStatus(run: Running, token: string, orderId: string, status: string) {
  return waitFor(
    async () => {
      const res = await api(run.url, token)('GET', `/api/orders/${orderId}`);
      return res.body?.status === status ? res.body : undefined;
    },
    { timeoutMs: 10_000, what: `order ${orderId} to become ${status}` },
  );
}
