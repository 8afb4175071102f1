import type { Channel, ChannelModel } from 'amqplib';

/** Names every service agrees on (docs/conventions.md, "Messaging names"). */
export const EVENTS_EXCHANGE = 'shop.events';
export const RETRY_EXCHANGE = 'shop.retry';
/** Events no queue is bound to land here instead of vanishing (exchange `alternate-exchange`). */
export const UNROUTED_EXCHANGE = 'shop.unrouted';
export const UNROUTED_QUEUE = 'shop.unrouted';

export const Headers = {
  retryCount: 'x-retry-count',
  lastError: 'x-last-error',
  dlqReason: 'x-dlq-reason',
  dlqAt: 'x-dlq-at',
  dlqQueue: 'x-dlq-queue',
  /**
   * On a copy a consumer forwarded to its own retry or dead-letter queue (published as its own
   * broker user): the sender the broker vouched for on the original (`user_id`), or "" if none.
   * Trusted only on a message whose own `user_id` is the consumer's (see delivery.ts).
   */
  sender: 'x-shop-sender',
} as const;

export const dlqName = (queue: string): string => `${queue}.dlq`;
export const retryQueueName = (queue: string, delayMs: number): string => `${queue}.retry.${delayMs}`;

/** The exchanges everybody publishes to; idempotent, safe to run from every process. */
export async function assertExchanges(ch: Channel): Promise<void> {
  await ch.assertExchange(UNROUTED_EXCHANGE, 'fanout', { durable: true });
  await ch.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true, alternateExchange: UNROUTED_EXCHANGE });
  await ch.assertExchange(RETRY_EXCHANGE, 'direct', { durable: true });
}

/**
 * Makes sure the exchanges exist without needing the right to declare them: a passive check
 * first (no permission needed), and only when one is missing an active declaration, which a
 * service's own broker user may not make (scripts/broker-setup.ts declares them as the admin);
 * then the active declaration fails with ACCESS_REFUSED and the caller retries later.
 */
export async function ensureExchanges(model: ChannelModel): Promise<void> {
  if (await passively(model, async (ch) => {
    for (const name of [UNROUTED_EXCHANGE, EVENTS_EXCHANGE, RETRY_EXCHANGE]) await ch.checkExchange(name);
  })) return;
  const ch = await model.createChannel();
  ch.on('error', () => {});
  try {
    await assertExchanges(ch);
  } finally {
    await ch.close().catch(() => {});
  }
}

/** Runs passive checks on a throwaway channel (a miss closes it); false if one failed. */
async function passively(model: ChannelModel, checks: (ch: Channel) => Promise<void>): Promise<boolean> {
  const ch = await model.createChannel();
  ch.on('error', () => {});
  try {
    await checks(ch);
    await ch.close().catch(() => {});
    return true;
  } catch {
    await ch.close().catch(() => {});
    return false;
  }
}

/** The unrouted-events queue: left alone when it exists, else declared and bound (an admin's right). */
export async function ensureUnroutedQueue(model: ChannelModel): Promise<void> {
  if (await passively(model, async (ch) => void (await ch.checkQueue(UNROUTED_QUEUE)))) return;
  const ch = await model.createChannel();
  ch.on('error', () => {});
  try {
    await assertUnroutedQueue(ch);
  } finally {
    await ch.close().catch(() => {});
  }
}

/**
 * Where events nobody subscribes to go, bounded: an event type with no consumer yet is
 * normal, so this is a window for debugging, not an archive. Declared on a channel of its
 * own by the caller: a queue left over with other arguments must not break publishing.
 */
export async function assertUnroutedQueue(ch: Channel): Promise<void> {
  await ch.assertQueue(UNROUTED_QUEUE, { durable: true, maxLength: 10_000, messageTtl: 24 * 3600_000, arguments: { ...QUORUM } });
  await ch.bindQueue(UNROUTED_QUEUE, UNROUTED_EXCHANGE, '');
}

/**
 * Every queue is a quorum queue: replicated when the broker is a cluster (RabbitMQ runs them
 * on one node too), durable, and safe across a node's loss, which classic mirrored queues
 * no longer are. A broker that still holds a classic queue of the same name refuses the
 * declaration (PRECONDITION_FAILED): scripts/lib/rabbitmq.sh redeclares the platform's.
 */
export const QUORUM = { 'x-queue-type': 'quorum' } as const;

/**
 * A message handed out this many times without an ack (a consumer that crashes on it, again
 * and again) goes to the dead-letter queue instead of looping; set explicitly because
 * RabbitMQ 4 defaults it to 20 and 3.x to none, and the consumers' own retries never
 * requeue (they republish through the retry queues).
 */
export const DELIVERY_LIMIT = 50;

/**
 * One consumer's queues: the work queue bound to each event type, one TTL queue per retry
 * delay that dead-letters straight back into the work queue (through the default exchange,
 * so a retry never reaches other services' queues), and the dead-letter queue.
 */
export async function assertConsumerTopology(
  ch: Channel,
  queue: string,
  events: readonly string[],
  retryDelaysMs: readonly number[],
  retiredEvents: readonly string[] = [],
): Promise<void> {
  // Passive: the exchanges are the broker's (ensureExchanges), a consumer may not declare them.
  await ch.checkExchange(EVENTS_EXCHANGE);
  await ch.checkExchange(RETRY_EXCHANGE);
  await ch.assertQueue(queue, {
    durable: true,
    deadLetterExchange: '',
    deadLetterRoutingKey: dlqName(queue),
    arguments: { ...QUORUM, 'x-delivery-limit': DELIVERY_LIMIT },
  });
  for (const type of events) await ch.bindQueue(queue, EVENTS_EXCHANGE, type);
  // Unbinding what is not bound is a no-op in RabbitMQ, so this is idempotent.
  for (const type of retiredEvents) await ch.unbindQueue(queue, EVENTS_EXCHANGE, type);
  for (const delay of retryDelaysMs) {
    const name = retryQueueName(queue, delay);
    await ch.assertQueue(name, {
      durable: true,
      messageTtl: delay,
      deadLetterExchange: '',
      deadLetterRoutingKey: queue,
      // A retry that expires must reach the work queue: at-least-once dead-lettering (which
      // quorum queues allow only with reject-publish overflow), not the default at-most-once.
      arguments: { ...QUORUM, 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' },
    });
    await ch.bindQueue(name, RETRY_EXCHANGE, name);
  }
  await ch.assertQueue(dlqName(queue), { durable: true, arguments: { ...QUORUM } });
}
