import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { Knex } from 'knex';
import type { Logger } from '@shop/logger';
import { isTransient } from '@shop/errors';
import { maySend, parseEvent, type EventEnvelope, type SenderTable } from '@shop/contracts';
import { errorMessage, PermanentError } from './errors.js';
import { processOnce } from './inbox.js';
import { eventsConsumed, eventsRefused, observeConsumeLag } from './metrics.js';
import { setTaskStatus, type TaskKey, type TaskStatus } from './tasks.js';
import { dlqName, Headers, RETRY_EXCHANGE, retryQueueName } from './topology.js';
import { startDeliverySpan } from './tracing.js';
import { context } from '@shop/telemetry';

export interface DeliveryContext {
  queue: string;
  events: ReadonlySet<string>;
  retryDelaysMs: readonly number[];
  db?: Knex;
  handle: (event: EventEnvelope, trx: Knex.Transaction | undefined) => Promise<void>;
  logger: Logger;
  /** The broker user this consumer connects as (its own retry and dead-letter copies carry it). */
  self: string;
  /** Event type -> the broker user allowed to send it. */
  senders: SenderTable;
}

/**
 * Who sent a message, as the broker vouches for it: RabbitMQ refuses a publish whose
 * `user_id` is not the connection's user, so `user_id` cannot be forged (the envelope's
 * `source` can: it is only a label). A copy this consumer forwarded to its own retry or
 * dead-letter queue carries its own `user_id` and, in a header, the sender it saw on the
 * original; that header is believed only on such a copy. No `user_id`: no sender.
 */
export function verifiedSender(ctx: Pick<DeliveryContext, 'self'>, msg: Pick<ConsumeMessage, 'properties'>): string | undefined {
  const userId = msg.properties.userId as string | undefined;
  if (!userId) return undefined;
  if (userId === ctx.self) {
    const forwarded = msg.properties.headers?.[Headers.sender];
    if (typeof forwarded === 'string') return forwarded || undefined;
    if (Buffer.isBuffer(forwarded)) return forwarded.toString('utf8') || undefined;
  }
  return userId;
}

export type Admission =
  | { refused?: undefined; event: EventEnvelope }
  | { refused: 'invalid'; reason: string }
  | { refused: 'forbidden'; reason: string; event: EventEnvelope; sender: string | undefined };

/**
 * The one gate on the way in, for single and batched deliveries alike: the message must be a
 * valid event (`parsed` when a batch already parsed it), of a type this queue consumes, sent
 * by the one sender its contract allows (@shop/contracts ALLOWED_SENDERS, checked against the
 * broker-verified sender). Whatever is refused is dead-lettered by handleDelivery.
 */
export function admit(ctx: DeliveryContext, msg: ConsumeMessage, parsed?: EventEnvelope): Admission {
  let event: EventEnvelope;
  try {
    event = parsed ?? parseEvent(JSON.parse(msg.content.toString('utf8')));
  } catch (err) {
    return { refused: 'invalid', reason: `unparseable: ${errorMessage(err)}` };
  }
  if (!ctx.events.has(event.type)) return { refused: 'invalid', reason: `unparseable: ${ctx.queue} does not consume ${event.type}` };
  const sender = verifiedSender(ctx, msg);
  if (!maySend(sender, event.type, ctx.senders)) {
    const who = sender ?? 'a publisher without a verified user_id';
    return { refused: 'forbidden', reason: `forbidden sender: ${who} may not send ${event.type} (its source says ${event.source})`, event, sender };
  }
  // Once per delivery: a batch admits each message first, and hands it on parsed when it falls back.
  if (!parsed) observeConsumeLag(ctx.queue, event.occurredAt);
  return { event };
}

type Outcome = 'processed' | 'duplicate' | 'retried' | 'dead_lettered';

/**
 * One message, start to finish: parse, run the handler (inside the inbox transaction when
 * there is a db), then ack, or park it in a retry queue, or dead-letter it. The original is
 * acked only after its successor is confirmed, so a crash anywhere redelivers, never loses.
 */
export async function handleDelivery(ctx: DeliveryContext, ch: ConfirmChannel, msg: ConsumeMessage, parsed?: EventEnvelope): Promise<void> {
  // A consumer span, child of the publisher's (its traceparent rides in the headers).
  const { span, ctx: traced } = startDeliverySpan(ctx.queue, msg, parsed);
  try {
    await context.with(traced, () => deliver(ctx, ch, msg, parsed));
  } finally {
    span.end();
  }
}

async function deliver(ctx: DeliveryContext, ch: ConfirmChannel, msg: ConsumeMessage, parsed?: EventEnvelope): Promise<void> {
  const admission = admit(ctx, msg, parsed);
  if (admission.refused === 'invalid') {
    const messageId = msg.properties.messageId as string | undefined;
    const key = messageId ? { consumer: ctx.queue, messageId, eventType: String(msg.properties.type ?? 'unknown') } : undefined;
    await deadLetter(ctx, ch, msg, admission.reason, key, 'invalid');
    return;
  }
  if (admission.refused === 'forbidden') {
    const { event, sender } = admission;
    // Dead-lettered, not dropped: a forgery is evidence an operator should see (and replaying
    // it changes nothing: the copy keeps the sender it came with and is refused again). No task
    // status: its id is whatever the forger chose, perhaps a real event's.
    eventsRefused.inc({ queue: ctx.queue, type: event.type, sender: sender ?? 'none' });
    ctx.logger.warn({ eventId: event.id, type: event.type, userId: msg.properties.userId, source: event.source }, 'event from a sender its contract does not allow; dead-lettering');
    await deadLetter(ctx, ch, msg, admission.reason, undefined, event.type);
    return;
  }
  const { event } = admission;

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
  // The copy is published as this consumer's own user (the broker allows no other user_id),
  // so the sender seen on the original travels in a header that only this user can vouch for.
  const copy = { ...msg.properties, headers: { ...headers, [Headers.sender]: verifiedSender(ctx, msg) ?? '' }, userId: ctx.self, persistent: true };
  try {
    await new Promise<void>((resolve, reject) => {
      ch.publish(exchange, routingKey, msg.content, copy, (err) =>
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
