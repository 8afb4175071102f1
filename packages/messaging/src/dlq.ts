import amqp from 'amqplib';
import type { Channel, GetMessage, Options } from 'amqplib';
import { ALLOWED_SENDERS, maySend, type SenderTable } from '@shop/contracts';
import { brokerUser } from './broker.js';
import { dlqName, Headers } from './topology.js';

export interface DeadLetter {
  messageId: string | null;
  type: string | null;
  reason: string | null;
  failedAt: string | null;
}

export interface ReplayOptions {
  /** Move at most this many. */
  limit?: number;
  /** Say what would be moved and left, move nothing. */
  dryRun?: boolean;
  /** Only the dead letters of these event ids (the others stay as they are). */
  ids?: readonly string[];
  /** Event type -> the one sender allowed to send it; the consumers' table by default. */
  senders?: SenderTable;
}

const RETRY_HEADERS = [Headers.retryCount, Headers.lastError, Headers.dlqReason, Headers.dlqAt, Headers.dlqQueue, 'x-death',
  'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason', 'x-last-death-exchange', 'x-last-death-queue', 'x-last-death-reason'];

function describe(msg: GetMessage): DeadLetter {
  const h = msg.properties.headers ?? {};
  let type: string | null = msg.properties.type ?? null;
  let messageId: string | null = msg.properties.messageId ?? null;
  try {
    const body = JSON.parse(msg.content.toString('utf8'));
    type = typeof body?.type === 'string' ? body.type : type;
    messageId = typeof body?.id === 'string' ? body.id : messageId;
  } catch {
    // an unparseable body is exactly what some dead letters are
  }
  return { messageId, type, reason: h[Headers.dlqReason] ?? null, failedAt: h[Headers.dlqAt] ?? null };
}

/** Returns how many messages are ready in the queue. */
async function checkQueue(ch: Channel, name: string): Promise<number> {
  try {
    return (await ch.checkQueue(name)).messageCount;
  } catch {
    throw new Error(`queue ${name} does not exist`);
  }
}

async function withConnection<T>(url: string, fn: (conn: amqp.ChannelModel) => Promise<T>): Promise<T> {
  const conn = await amqp.connect(url);
  // Errors also reject the pending operation; without these listeners they would crash the process.
  conn.on('error', () => {});
  try {
    return await fn(conn);
  } finally {
    await conn.close().catch(() => {});
  }
}

async function channel<C extends Channel>(make: () => Promise<C>): Promise<C> {
  const ch = await make();
  ch.on('error', () => {});
  return ch;
}

/** Reads up to `limit` dead letters without removing them (they are requeued on close). */
export async function listDeadLetters(url: string, queue: string, options: { limit?: number; ids?: readonly string[] } = {}): Promise<DeadLetter[]> {
  const ids = options.ids ? new Set(options.ids) : undefined;
  return withConnection(url, async (conn) => {
    const ch = await channel(() => conn.createChannel());
    const waiting = await checkQueue(ch, dlqName(queue));
    const out: DeadLetter[] = [];
    for (let i = 0; i < waiting && out.length < (options.limit ?? 1000); i++) {
      const msg = await ch.get(dlqName(queue), { noAck: false });
      if (!msg) break;
      const d = describe(msg);
      if (!ids || (d.messageId && ids.has(d.messageId))) out.push(d);
    }
    await ch.close(); // unacked gets go back to the queue
    return out;
  });
}

/** A dead letter that stayed where it was, and why. */
export interface KeptLetter extends DeadLetter {
  why: string;
}

/**
 * What one replay did with `<queue>.dlq`: `moved` back to the work queue; `left` in the
 * dead-letter queue because they cannot be replayed (a sender their contract does not allow:
 * the consumer would refuse them again, and they are evidence); `failed`: the broker did not
 * take the copy (they stay in the dead-letter queue too). Every one of `left` and `failed` is
 * still there afterwards, as are the ones `ids` did not select.
 */
export interface ReplayResult {
  queue: string;
  moved: DeadLetter[];
  left: KeptLetter[];
  failed: KeptLetter[];
}

/**
 * The sender the consumer will judge a replayed copy by: a copy this user forwarded carries,
 * in a header, the sender it saw on the original; any other dead letter is judged by the
 * user that put it there (its `user_id`, or none).
 */
function carriedSender(msg: GetMessage, self: string): string | undefined {
  const userId = msg.properties.userId as string | undefined;
  if (userId !== self) return userId || undefined;
  const h = msg.properties.headers?.[Headers.sender];
  const forwarded = Buffer.isBuffer(h) ? h.toString('utf8') : typeof h === 'string' ? h : undefined;
  return forwarded || undefined;
}

/**
 * Moves dead letters from `<queue>.dlq` back to `<queue>` with fresh retry headers. Each
 * copy is confirmed by the broker before its dead letter is acked, so a crash duplicates
 * at worst (the consumers' inbox absorbs that), never loses.
 * Looks at most at what the dead-letter queue held when the replay began, and moves at most
 * `limit` of them (only those whose event id is in `ids`, when given): a message that fails
 * again while the replay runs lands behind it and waits for the next replay instead of going
 * round forever.
 * One dead letter that cannot be moved never stops the others: a copy the broker refuses is
 * `failed` (the publishing channel is opened again), one the consumer would refuse again (a
 * sender its contract, `senders`, does not allow) is `left`; both stay in the dead-letter
 * queue, held unacknowledged until the end.
 * Run it as the queue's own service user (scripts/dlq-replay.ts does): the copies this
 * service's consumer dead-lettered carry that user's `user_id`, which only that user may
 * publish. A dead letter someone else put there keeps, in the sender header, the user it came
 * from (or none), so the consumer judges it by that sender and not by the replay's user.
 */
export async function replayDeadLetters(url: string, queue: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const self = brokerUser(url);
  const senders = options.senders ?? ALLOWED_SENDERS;
  const ids = options.ids ? new Set(options.ids) : undefined;
  const limit = options.limit ?? Infinity;
  return withConnection(url, async (conn) => {
    const ch = await channel(() => conn.createChannel());
    const waiting = await checkQueue(ch, dlqName(queue));
    await checkQueue(ch, queue);
    let pub: amqp.ConfirmChannel | undefined;
    const result: ReplayResult = { queue, moved: [], left: [], failed: [] };
    for (let i = 0; i < waiting && result.moved.length < limit; i++) {
      const msg = await ch.get(dlqName(queue), { noAck: false });
      if (!msg) break;
      const d = describe(msg);
      if (ids && !(d.messageId && ids.has(d.messageId))) continue;
      const sender = carriedSender(msg, self);
      if (d.type && Object.hasOwn(senders, d.type) && !maySend(sender, d.type, senders)) {
        result.left.push({ ...d, why: `${sender ?? 'no verified sender'} may not send ${d.type}: the consumer would refuse it again` });
        continue;
      }
      if (options.dryRun) {
        result.moved.push(d);
        continue;
      }
      const headers: Options.Publish['headers'] = { ...msg.properties.headers };
      for (const h of RETRY_HEADERS) delete headers[h];
      if (msg.properties.userId !== self) headers[Headers.sender] = sender ?? '';
      try {
        pub ??= await openPublisher(conn);
        const out = pub;
        await new Promise<void>((resolve, reject) =>
          out.sendToQueue(queue, msg.content, { ...msg.properties, headers, userId: self, persistent: true }, (err) =>
            err ? reject(err) : resolve()));
      } catch (err) {
        result.failed.push({ ...d, why: err instanceof Error ? err.message : String(err) });
        if (pub && (pub as ClosableChannel).closed) pub = undefined; // a refused publish can take its channel with it
        continue;
      }
      ch.ack(msg);
      result.moved.push(d);
    }
    await pub?.close().catch(() => {});
    // Closing the channel first waits for the broker to have taken every ack; closing only the
    // connection can lose the last ones, and their dead letters would still be there. Whatever
    // was not acked (left, failed, not selected) goes back to the dead-letter queue.
    await ch.close();
    return result;
  });
}

type ClosableChannel = amqp.ConfirmChannel & { closed?: boolean };

async function openPublisher(conn: amqp.ChannelModel): Promise<amqp.ConfirmChannel> {
  const pub = (await channel(() => conn.createConfirmChannel())) as ClosableChannel;
  pub.on('close', () => {
    pub.closed = true;
  });
  return pub;
}
