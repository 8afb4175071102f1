import { randomBytes } from 'node:crypto';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { createDb, type Knex } from '@shop/db';
import { ALLOWED_SENDERS, type SenderTable } from '@shop/contracts';
import { createLogger } from '@shop/logger';
import { Broker, messagingMigration, outboxTraceMigration, type BrokerOptions } from '../src/index.js';

// Our own vhost and database: the services' component tests share the vhost `test`, and the
// events these tests publish must not land in their queues.
const VHOST = 'messaging-test';
export const AMQP_URL = process.env.TEST_AMQP_URL ?? `amqp://guest:guest@127.0.0.1:5672/${VHOST}`;
/**
 * A service's own broker user on this vhost (the jest global setup grants it there as on the
 * stack's vhost; the password is the local stack's, as in @shop/testing's testEnv).
 */
export const serviceAmqpUrl = (service: string) => `amqp://${service}:${service}_mq_pw@127.0.0.1:5672/${VHOST}`;
/**
 * This package's tests publish and consume every event type as `guest`: their own contract
 * (the check itself is the same; sender.test.ts runs it against the real table and users).
 */
export const GUEST_SENDS_ALL: SenderTable = Object.fromEntries(Object.keys(ALLOWED_SENDERS).map((type) => [type, 'guest']));
export const DATABASE_URL =
  process.env.TEST_MESSAGING_DATABASE_URL ?? 'postgres://messaging_svc:messaging_pw@127.0.0.1:5432/messaging_test';

export { VHOST };
export const logger = createLogger('messaging-test', process.env.TEST_LOG_LEVEL ?? 'silent');
export const uniq = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await sleep(25);
  }
}

const RABBIT_API = process.env.RABBIT_API ?? 'http://127.0.0.1:15672/api';
const RABBIT_AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;

/** The RabbitMQ management API (rather than rabbitmqctl, which a CI runner with a broker container lacks). */
export async function rabbitApi<T = unknown>(method: string, path: string, body?: unknown): Promise<T | undefined> {
  const res = await fetch(`${RABBIT_API}${path}`, {
    method,
    headers: { authorization: RABBIT_AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`RabbitMQ API ${method} ${path}: ${res.status}`);
  const text = await res.text();
  return text ? (JSON.parse(text) as T) : undefined;
}

/** Creates the vhost on first use (the jest global setup normally has). */
export async function ensureVhost(): Promise<void> {
  await rabbitApi('PUT', `/vhosts/${VHOST}`);
  await rabbitApi('PUT', `/permissions/${VHOST}/guest`, { configure: '.*', write: '.*', read: '.*' });
}

/**
 * Force-closes the named client connections (Broker's `serviceName`) on the test vhost, as
 * a broker restart would. The API lists a new connection only after its next statistics
 * tick (up to ~5 s), so wait until every one of them shows: closing "whatever is listed"
 * used to miss a connection made just before, and the test then waited for a disconnect
 * that never came. Only these connections: another suite's on the vhost are left alone.
 */
export async function closeConnections(names: readonly string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = (await rabbitApi<Array<{ name: string; client_properties?: { connection_name?: string } }>>('GET', `/vhosts/${VHOST}/connections`)) ?? [];
    const ours = listed.filter((c) => names.includes(c.client_properties?.connection_name ?? ''));
    if (names.every((n) => ours.some((c) => c.client_properties?.connection_name === n))) {
      await Promise.all(ours.map((c) => rabbitApi('DELETE', `/connections/${encodeURIComponent(c.name)}`)));
      return;
    }
    if (Date.now() > deadline) throw new Error(`connections ${names.join(', ')} not listed on vhost ${VHOST}`);
    await sleep(250);
  }
}

export async function freshDb(): Promise<Knex> {
  const db = createDb(DATABASE_URL, { poolMax: 10 });
  await db.schema.dropTableIfExists('effects');
  await messagingMigration.down(db);
  await messagingMigration.up(db);
  await outboxTraceMigration.up(db);
  await db.schema.createTable('effects', (t) => {
    t.increments('id');
    t.text('event_id').notNullable();
  });
  return db;
}

/** A plain amqplib connection for inspecting and seeding queues from the outside. */
export class RabbitProbe {
  private constructor(
    private readonly conn: ChannelModel,
    readonly ch: Channel,
    private readonly queues: Set<string> = new Set(),
  ) {}

  static async open(): Promise<RabbitProbe> {
    await ensureVhost();
    const conn = await amqp.connect(AMQP_URL);
    return new RabbitProbe(conn, await conn.createChannel());
  }

  /** Remember queues to delete at the end (with their retry and dead-letter queues). */
  track(...names: string[]): void {
    for (const n of names) this.queues.add(n);
  }

  async count(queue: string): Promise<number> {
    return (await this.ch.checkQueue(queue)).messageCount;
  }

  async drain(queue: string): Promise<amqp.GetMessage[]> {
    const out: amqp.GetMessage[] = [];
    for (let m = await this.ch.get(queue, { noAck: true }); m; m = await this.ch.get(queue, { noAck: true })) out.push(m);
    return out;
  }

  /** Deletes the tracked queues on a fresh connection (a test may have force-closed ours). */
  async close(): Promise<void> {
    await this.conn.close().catch(() => {});
    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createChannel();
    for (const q of this.queues) await ch.deleteQueue(q);
    await conn.close();
  }
}

export async function connectedBroker(name = 'test', options: Partial<BrokerOptions> = {}): Promise<Broker> {
  const broker = Broker.connect({ url: AMQP_URL, logger, serviceName: name, publishTimeoutMs: 2_000, senders: GUEST_SENDS_ALL, ...options });
  await broker.waitUntilConnected();
  return broker;
}
