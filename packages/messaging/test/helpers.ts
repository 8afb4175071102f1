import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from '@jest/globals';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { createDb, type Knex } from '@shop/db';
import { ALLOWED_SENDERS, type SenderTable } from '@shop/contracts';
import { createLogger } from '@shop/logger';
import { Broker, dlqName, messagingMigration, outboxTraceMigration, retryQueueName, type BrokerOptions } from '../src/index.js';

// Our own vhost and database: the services' component tests share the vhost `test`, and the
// events these tests publish must not land in their queues. A suite on `messagingSuite` has a
// vhost of its own besides (below); the others share this one, which the global setup makes.
const VHOST = 'messaging-test';
const amqpUrlOf = (vhost: string) => `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`;
export const AMQP_URL = process.env.TEST_AMQP_URL ?? amqpUrlOf(VHOST);
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

/**
 * A name for a suite's own vhost or schema that carries its birth (base-36 seconds), so one
 * left behind by a killed run is swept by a later run an hour on.
 */
const STALE_SECONDS = 3_600;
const stamped = (prefix: string) => `${prefix}${Math.floor(Date.now() / 1000).toString(36)}_${randomBytes(4).toString('hex')}`;
const stale = (name: string, prefix: string) => {
  const born = parseInt(name.slice(prefix.length).split('_')[0], 36);
  return name.startsWith(prefix) && Number.isFinite(born) && Date.now() / 1000 - born > STALE_SECONDS;
};

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

/** Creates the vhost on first use (the jest global setup normally has made the shared one). */
export async function ensureVhost(vhost = VHOST): Promise<void> {
  await rabbitApi('PUT', `/vhosts/${encodeURIComponent(vhost)}`);
  await rabbitApi('PUT', `/permissions/${encodeURIComponent(vhost)}/guest`, { configure: '.*', write: '.*', read: '.*' });
}

const SUITE_VHOST = `${VHOST}-`;

async function sweepVhosts(): Promise<void> {
  const all = (await rabbitApi<Array<{ name: string }>>('GET', '/vhosts?columns=name')) ?? [];
  for (const { name } of all.filter((v) => stale(v.name, SUITE_VHOST))) await rabbitApi('DELETE', `/vhosts/${encodeURIComponent(name)}`).catch(() => {});
}

/**
 * Force-closes the named client connections (Broker's `serviceName`) on the test vhost, as
 * a broker restart would. The API lists a new connection only after its next statistics
 * tick (up to ~5 s), so wait until every one of them shows: closing "whatever is listed"
 * used to miss a connection made just before, and the test then waited for a disconnect
 * that never came. Only these connections: another suite's on the vhost are left alone.
 */
export async function closeConnections(names: readonly string[], vhost = VHOST, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = (await rabbitApi<Array<{ name: string; client_properties?: { connection_name?: string } }>>('GET', `/vhosts/${encodeURIComponent(vhost)}/connections`)) ?? [];
    const ours = listed.filter((c) => names.includes(c.client_properties?.connection_name ?? ''));
    if (names.every((n) => ours.some((c) => c.client_properties?.connection_name === n))) {
      await Promise.all(ours.map((c) => rabbitApi('DELETE', `/connections/${encodeURIComponent(c.name)}`)));
      return;
    }
    if (Date.now() > deadline) throw new Error(`connections ${names.join(', ')} not listed on vhost ${vhost}`);
    await sleep(250);
  }
}

const SCHEMA = 'suite_';
const schemas = new WeakMap<Knex, string>();

/**
 * The messaging tables in a schema of this suite's own (the pool's search_path), so that two
 * jest runs side by side (two worktrees) never drop or read each other's rows. `dropDb` at the end.
 */
export async function freshDb(): Promise<Knex> {
  const schema = stamped(SCHEMA);
  const owner = createDb(DATABASE_URL, { poolMax: 1 });
  try {
    const all = await owner('pg_namespace').select<Array<{ nspname: string }>>('nspname').whereLike('nspname', `${SCHEMA}%`);
    for (const { nspname } of all.filter((n) => stale(n.nspname, SCHEMA))) await owner.raw('drop schema if exists ?? cascade', [nspname]);
    await owner.raw('create schema ??', [schema]);
  } finally {
    await owner.destroy();
  }
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const db = createDb(url.toString(), { poolMax: 10 });
  schemas.set(db, schema);
  await messagingMigration.up(db);
  await outboxTraceMigration.up(db);
  await db.schema.createTable('effects', (t) => {
    t.increments('id');
    t.text('event_id').notNullable();
  });
  return db;
}

/** The suite's schema dropped and its pool closed. */
export async function dropDb(db: Knex): Promise<void> {
  const schema = schemas.get(db);
  if (schema) await db.raw('drop schema if exists ?? cascade', [schema]).catch(() => {});
  await db.destroy();
}

const DEFAULT_RETRY_DELAYS = [1_000, 5_000, 30_000]; // the consumer's own default

/** A plain amqplib connection for inspecting and seeding queues from the outside. */
export class RabbitProbe {
  private constructor(
    private readonly url: string,
    private readonly conn: ChannelModel,
    readonly ch: Channel,
    private readonly queues: Set<string> = new Set(),
  ) {}

  static async open(vhost = VHOST): Promise<RabbitProbe> {
    await ensureVhost(vhost);
    const url = vhost === VHOST ? AMQP_URL : amqpUrlOf(vhost);
    const conn = await amqp.connect(url);
    return new RabbitProbe(url, conn, await conn.createChannel());
  }

  /** Remember queues to delete at the end (with their retry and dead-letter queues). */
  track(...names: string[]): void {
    for (const n of names) this.queues.add(n);
  }

  /** A fresh queue name; it, its dead-letter queue and its retry queues are deleted at close(). */
  queue(prefix: string, retryDelaysMs: readonly number[] = DEFAULT_RETRY_DELAYS): string {
    const queue = uniq(prefix);
    this.track(queue, dlqName(queue), ...retryDelaysMs.map((d) => retryQueueName(queue, d)));
    return queue;
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
    const conn = await amqp.connect(this.url);
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

/** What a suite on `messagingSuite` gets; filled in by its beforeAll. */
export interface MessagingSuite {
  vhost: string;
  amqpUrl: string;
  db: Knex;
  probe: RabbitProbe;
  broker: Broker;
}

/**
 * One suite's broker and database: a vhost of its own (another suite's events never reach its
 * queues, whoever runs beside it), a schema of its own when `db`, a probe and a broker named
 * `name`. Made before the first test, removed after the last.
 */
export function messagingSuite(name: string, options: { db?: boolean } = {}): MessagingSuite {
  const vhost = stamped(SUITE_VHOST);
  const suite = { vhost, amqpUrl: amqpUrlOf(vhost) } as MessagingSuite;
  beforeAll(async () => {
    await sweepVhosts();
    suite.probe = await RabbitProbe.open(vhost);
    if (options.db) suite.db = await freshDb();
    suite.broker = await connectedBroker(name, { url: suite.amqpUrl });
  });
  afterAll(async () => {
    await suite.broker?.close();
    await suite.probe?.close();
    if (suite.db) await dropDb(suite.db);
    await rabbitApi('DELETE', `/vhosts/${encodeURIComponent(vhost)}`);
  });
  return suite;
}
