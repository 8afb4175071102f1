import amqp from 'amqplib';
import type { Channel, GetMessage, Options } from 'amqplib';
import { brokerUser } from './broker.js';
import { dlqName, Headers } from './topology.js';

export interface DeadLetter {
  messageId: string | null;
  type: string | null;
  reason: string | null;
  failedAt: string | null;
}

export interface ReplayOptions {
  limit?: number;
  dryRun?: boolean;
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

async function withChannel<T>(url: string, fn: (ch: Channel) => Promise<T>): Promise<T> {
  const conn = await amqp.connect(url);
  // Errors also reject the pending operation; without these listeners they would crash the process.
  conn.on('error', () => {});
  try {
    const ch = await conn.createConfirmChannel();
    ch.on('error', () => {});
    return await fn(ch);
  } finally {
    await conn.close().catch(() => {});
  }
}

/** Reads up to `limit` dead letters without removing them (they are requeued on close). */
export async function listDeadLetters(url: string, queue: string, options: { limit?: number } = {}): Promise<DeadLetter[]> {
  return withChannel(url, async (ch) => {
    await checkQueue(ch, dlqName(queue));
    const out: DeadLetter[] = [];
    for (let i = 0; i < (options.limit ?? 1000); i++) {
      const msg = await ch.get(dlqName(queue), { noAck: false });
      if (!msg) break;
      out.push(describe(msg));
    }
    await ch.close(); // unacked gets go back to the queue
    return out;
  });
}

/**
 * Moves dead letters from `<queue>.dlq` back to `<queue>` with fresh retry headers. Each
 * copy is confirmed by the broker before its dead letter is acked, so a crash duplicates
 * at worst (the consumers' inbox absorbs that), never loses. Returns what was moved.
 * Moves at most what the dead-letter queue held when the replay began (fewer with `limit`):
 * a message that fails again while the replay runs lands behind it and waits for the next
 * replay instead of going round forever.
 * Run it as the queue's own service user (scripts/dlq-replay.ts does): the copies this
 * service's consumer dead-lettered carry that user's `user_id`, which only that user may
 * publish. A dead letter someone else put there keeps, in the sender header, the user it came
 * from (or none), so the consumer judges it by that sender and not by the replay's user.
 */
export async function replayDeadLetters(url: string, queue: string, options: ReplayOptions = {}): Promise<DeadLetter[]> {
  if (options.dryRun) return listDeadLetters(url, queue, options);
  const self = brokerUser(url);
  return withChannel(url, async (ch) => {
    const confirm = ch as amqp.ConfirmChannel;
    const waiting = await checkQueue(ch, dlqName(queue));
    await checkQueue(ch, queue);
    const moved: DeadLetter[] = [];
    const max = Math.min(waiting, options.limit ?? Infinity);
    for (let i = 0; i < max; i++) {
      const msg = await ch.get(dlqName(queue), { noAck: false });
      if (!msg) break;
      const headers: Options.Publish['headers'] = { ...msg.properties.headers };
      for (const h of RETRY_HEADERS) delete headers[h];
      const userId = msg.properties.userId as string | undefined;
      if (userId !== self) headers[Headers.sender] = userId ?? '';
      await new Promise<void>((resolve, reject) =>
        confirm.sendToQueue(queue, msg.content, { ...msg.properties, headers, userId: self, persistent: true }, (err) =>
          err ? reject(err) : resolve()));
      ch.ack(msg);
      moved.push(describe(msg));
    }
    // Closing the channel first waits for the broker to have taken every ack; closing only the
    // connection can lose the last ones, and their dead letters would still be there.
    await ch.close();
    return moved;
  });
}
