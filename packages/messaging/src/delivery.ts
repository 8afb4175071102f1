import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { Knex } from 'knex';
import type { Logger } from '@shop/logger';
import { isTransient } from '@shop/errors';
import { parseEvent, type EventEnvelope } from '@shop/contracts';
import { errorMessage, PermanentError } from './errors.js';
import { processOnce } from './inbox.js';
import { eventsConsumed } from './metrics.js';
import { setTaskStatus, type TaskKey, type TaskStatus } from './tasks.js';
import { dlqName, Headers, RETRY_EXCHANGE, retryQueueName } from './topology.js';

export interface DeliveryContext {
  queue: string;
  events: ReadonlySet<string>;
  retryDelaysMs: readonly number[];
  db?: Knex;
  handle: (event: EventEnvelope, trx: Knex.Transaction | undefined) => Promise<void>;
  logger: Logger;
}

type Outcome = 'processed' | 'duplicate' | 'retried' | 'dead_lettered';

/**
 * One message, start to finish: parse, run the handler (inside the inbox transaction when
 * there is a db), then ack, or park it in a retry queue, or dead-letter it. The original is
 * acked only after its successor is confirmed, so a crash anywhere redelivers, never loses.
 */
export async function handleDelivery(ctx: DeliveryContext, ch: ConfirmChannel, msg: ConsumeMessage, parsed?: EventEnvelope): Promise<void> {
  let event: EventEnvelope;
  try {
    // The one validation on the way in (a batch that fell back to here passes what it parsed).
    event = parsed ?? parseEvent(JSON.parse(msg.content.toString('utf8')));
    if (!ctx.events.has(event.type)) throw new PermanentError(`${ctx.queue} does not consume ${event.type}`);
  } catch (err) {
    const messageId = msg.properties.messageId as string | undefined;
    const key = messageId ? { consumer: ctx.queue, messageId, eventType: String(msg.properties.type ?? 'unknown') } : undefined;
    await deadLetter(ctx, ch, msg, `unparseable: ${errorMessage(err)}`, key, 'invalid');
    return;
  }

  const key: TaskKey = { consumer: ctx.queue, messageId: event.id, eventType: event.type };
  const log = ctx.logger.child({ eventId: event.id, type: event.type, correlationId: event.correlationId });
  await track(ctx, key, 'processing', { countAttempt: true });
  let outcome: Outcome = 'processed';
  try {
    if (ctx.db) {
      const ran = await processOnce(ctx.db, { consumer: ctx.queue, event }, (trx) => ctx.handle(event, trx));
      if (!ran) outcome = 'duplicate';
    } else {
      await ctx.handle(event, undefined);
    }
  } catch (err) {
    const attempt = Number(msg.properties.headers?.[Headers.retryCount] ?? 0);
    const delay = retryDelay(ctx.retryDelaysMs, attempt, err);
    if (err instanceof PermanentError || delay === undefined) {
      const why = err instanceof PermanentError ? 'permanent' : `gave up after ${attempt + 1} attempts`;
      log.error({ err }, `handler failed (${why}), dead-lettering`);
      await deadLetter(ctx, ch, msg, `${why}: ${errorMessage(err)}`, key, event.type);
      return;
    }
    log.warn({ err: errorMessage(err), attempt: attempt + 1, delay }, 'handler failed, retrying later');
    const headers = { ...msg.properties.headers, [Headers.retryCount]: attempt + 1, [Headers.lastError]: errorMessage(err) };
    if (await forward(ctx, ch, msg, RETRY_EXCHANGE, retryQueueName(ctx.queue, delay), headers)) {
      await track(ctx, key, 'pending', { lastError: errorMessage(err) });
      eventsConsumed.inc({ queue: ctx.queue, type: event.type, outcome: 'retried' });
    }
    return;
  }
  settle(ctx, () => ch.ack(msg));
  eventsConsumed.inc({ queue: ctx.queue, type: event.type, outcome });
  log.debug({ outcome }, 'event handled');
}

/**
 * How long to wait before the next attempt, or undefined to dead-letter. A dependency that is
 * away (the database, a peer) or a transaction that lost a deadlock says nothing about the
 * message, so it is retried for as long as that lasts, the delay growing to the last one in
 * the list and staying there: a short outage must not strand work in the dead-letter queue.
 * Any other error gets the listed delays once each, then the dead-letter queue.
 */
export function retryDelay(delaysMs: readonly number[], attempt: number, err: unknown): number | undefined {
  if (err instanceof PermanentError || delaysMs.length === 0) return undefined;
  if (isTransient(err)) return delaysMs[Math.min(attempt, delaysMs.length - 1)];
  return delaysMs[attempt];
}

async function deadLetter(
  ctx: DeliveryContext,
  ch: ConfirmChannel,
  msg: ConsumeMessage,
  reason: string,
  key: TaskKey | undefined,
  type: string,
): Promise<void> {
  const headers = {
    ...msg.properties.headers,
    [Headers.dlqReason]: reason.slice(0, 1000),
    [Headers.dlqAt]: new Date().toISOString(),
    [Headers.dlqQueue]: ctx.queue,
  };
  if (!(await forward(ctx, ch, msg, '', dlqName(ctx.queue), headers))) return;
  ctx.logger.error({ messageId: msg.properties.messageId, reason }, 'message dead-lettered');
  if (key) await track(ctx, key, 'failed', { lastError: reason });
  eventsConsumed.inc({ queue: ctx.queue, type, outcome: 'dead_lettered' });
}

/** Publishes a copy with confirms, then acks the original; on failure leaves it for redelivery. */
async function forward(
  ctx: DeliveryContext,
  ch: ConfirmChannel,
  msg: ConsumeMessage,
  exchange: string,
  routingKey: string,
  headers: Options.Publish['headers'],
): Promise<boolean> {
  try {
    await new Promise<void>((resolve, reject) => {
      ch.publish(exchange, routingKey, msg.content, { ...msg.properties, headers, persistent: true }, (err) =>
        err ? reject(err) : resolve());
    });
  } catch (err) {
    ctx.logger.error({ err: errorMessage(err), routingKey }, 'could not forward message; it will be redelivered');
    settle(ctx, () => ch.nack(msg, false, true));
    return false;
  }
  settle(ctx, () => ch.ack(msg));
  return true;
}

// ack/nack throw once the channel is closed; the broker then redelivers, which is what we want.
function settle(ctx: DeliveryContext, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    ctx.logger.warn({ err: errorMessage(err) }, 'could not settle message; it will be redelivered');
  }
}

// Task status is for people watching; a failure to record it must not block the message.
async function track(
  ctx: DeliveryContext,
  key: TaskKey,
  status: TaskStatus,
  options: Parameters<typeof setTaskStatus>[3],
): Promise<void> {
  if (!ctx.db) return;
  try {
    await setTaskStatus(ctx.db, key, status, options);
  } catch (err) {
    ctx.logger.warn({ err: errorMessage(err), status }, 'could not record task status');
  }
}
