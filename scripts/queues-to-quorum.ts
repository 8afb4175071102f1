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
 */
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
    const p = msg.properties;
    ch.publish('', to, msg.content, {
      persistent: true,
      headers: p.headers,
      messageId: p.messageId,
      correlationId: p.correlationId,
      contentType: p.contentType,
      contentEncoding: p.contentEncoding,
      type: p.type,
      timestamp: p.timestamp,
      appId: p.appId,
    });
    await ch.waitForConfirms();
    ch.ack(msg);
    moved++;
  }
}

/** The vhost AMQP_URL names ('/' when it names none). */
const VHOST = decodeURIComponent(new URL(AMQP_URL).pathname.slice(1)) || '/';

async function queueNames(vhost = VHOST): Promise<string[]> {
  const url = new URL(`${API}/queues/${encodeURIComponent(vhost)}?columns=name`);
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = url.password = '';
  const res = await fetch(url, { headers: { authorization: auth }, signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`management API: ${res.status}`);
  return ((await res.json()) as Array<{ name: string }>).map((q) => q.name);
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
  const conn = await amqp.connect(AMQP_URL);
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
  }
}

await main();
