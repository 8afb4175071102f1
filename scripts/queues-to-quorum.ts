/**
 * Turns a broker's classic queues into the quorum queues @shop/messaging declares, without
 * losing a message (a queue's type cannot change in place; redeclaring it with another
 * type is refused). scripts/lib/services.sh runs it around a restart of the services:
 *
 *   tsx scripts/queues-to-quorum.ts park <queue>...   (services stopped) moves each classic
 *        queue's messages to a quorum queue `<queue>.classic-backlog`, then deletes it; the
 *        services declare it again, as a quorum queue, when they start
 *   tsx scripts/queues-to-quorum.ts restore           (services ready) moves every backlog
 *        back to its queue and deletes the backlog
 *
 * Idempotent: a second park finds nothing classic, a second restore no backlog. AMQP_URL
 * (default: the local broker) and RABBITMQ_API (management API, for listing) as the stack's.
 *
 * A message keeps every property, `user_id` included: consumers refuse an event whose
 * `user_id` is not the broker user allowed to send it, so a moved copy without it would be
 * dead-lettered. RabbitMQ lets a connection publish a `user_id` other than its own user only
 * if that user has the `impersonator` tag (an administrator may not), so the moves run as a
 * user made for this run through the management API (that tag, rights on this vhost only, a
 * random password) and deleted at the end.
 */
import { randomBytes } from 'node:crypto';
import amqp, { type Channel, type ConfirmChannel } from 'amqplib';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const API = process.env.RABBITMQ_API ?? 'http://guest:guest@127.0.0.1:15672/api';
const BACKLOG = '.classic-backlog';

/** Moves every message of `from` to `to` (default exchange), each confirmed before it is acked. */
async function move(ch: ConfirmChannel, from: string, to: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const msg = await ch.get(from, { noAck: false });
    if (!msg) return moved;
    ch.publish('', to, msg.content, { ...msg.properties, persistent: true });
    await ch.waitForConfirms();
    ch.ack(msg);
    moved++;
  }
}

/** The vhost AMQP_URL names ('/' when it names none). */
const VHOST = decodeURIComponent(new URL(AMQP_URL).pathname.slice(1)) || '/';

async function mgmt(method: string, path: string, body?: unknown): Promise<Response> {
  const url = new URL(`${API}${path}`);
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = url.password = '';
  const res = await fetch(url, {
    method,
    headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok && !(method === 'DELETE' && res.status === 404)) throw new Error(`management API ${method} ${path}: ${res.status}`);
  return res;
}

async function queueNames(vhost = VHOST): Promise<string[]> {
  const res = await mgmt('GET', `/queues/${encodeURIComponent(vhost)}?columns=name`);
  return ((await res.json()) as Array<{ name: string }>).map((q) => q.name);
}

/** Users are per broker: a name per run, so two runs on two vhosts never delete each other's. */
const MOVER = `queues-to-quorum-${process.pid}-${randomBytes(3).toString('hex')}`;

/** AMQP_URL as the mover: a user that may publish any `user_id` (see the top), on this vhost only. */
async function moverUrl(): Promise<string> {
  const password = randomBytes(18).toString('base64url');
  await mgmt('PUT', `/users/${MOVER}`, { password, tags: 'impersonator' });
  await mgmt('PUT', `/permissions/${encodeURIComponent(VHOST)}/${MOVER}`, { configure: '.*', write: '.*', read: '.*' });
  const url = new URL(AMQP_URL);
  url.username = MOVER;
  url.password = password;
  return url.toString();
}

async function exists(conn: amqp.ChannelModel, queue: string): Promise<boolean> {
  const ch: Channel = await conn.createChannel();
  ch.on('error', () => undefined); // a 404 closes this probe channel only
  try {
    await ch.checkQueue(queue);
    await ch.close();
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const [phase, ...queues] = process.argv.slice(2);
  if (phase !== 'park' && phase !== 'restore') throw new Error('usage: queues-to-quorum.ts park <queue>... | restore');
  if (phase === 'park' && queues.length === 0) return;
  if (phase === 'restore' && !(await queueNames()).some((n) => n.endsWith(BACKLOG))) return;
  const conn = await amqp.connect(await moverUrl()).catch(async (err: unknown) => {
    await mgmt('DELETE', `/users/${MOVER}`);
    throw err;
  });
  try {
    const ch = await conn.createConfirmChannel();
    if (phase === 'park') {
      for (const queue of queues) {
        await ch.assertQueue(queue + BACKLOG, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
        const moved = await move(ch, queue, queue + BACKLOG);
        await ch.deleteQueue(queue, { ifEmpty: true });
        console.log(`queues-to-quorum: ${queue}: ${moved} messages parked, classic queue deleted`);
      }
    } else {
      for (const backlog of (await queueNames()).filter((n) => n.endsWith(BACKLOG))) {
        const queue = backlog.slice(0, -BACKLOG.length);
        if (!(await exists(conn, queue))) {
          console.log(`queues-to-quorum: ${queue} is not declared (yet): ${backlog} kept`);
          continue;
        }
        const moved = await move(ch, backlog, queue);
        // Quorum queues refuse if-empty deletes; nothing but this script writes a backlog.
        const { messageCount } = await ch.checkQueue(backlog);
        if (messageCount === 0) await ch.deleteQueue(backlog);
        console.log(`queues-to-quorum: ${queue}: ${moved} messages restored`);
      }
    }
    await ch.close();
  } finally {
    await conn.close();
    await mgmt('DELETE', `/users/${MOVER}`);
  }
}

await main();
