import amqp from 'amqplib';
import type { ChannelModel, ConfirmChannel, RecoveringChannelModel } from 'amqplib';
import type { Logger } from '@shop/logger';
import { ALLOWED_SENDERS, type EventEnvelope, type EventType, type SenderTable } from '@shop/contracts';
import type { Context } from '@shop/telemetry';
import { BrokerUnavailableError, errorMessage, PublishRefusedError } from './errors.js';
import { publishSpan } from './tracing.js';
import { eventsPublished, publishFailures, publishRefused } from './metrics.js';
import { ensureExchanges, ensureUnroutedQueue, EVENTS_EXCHANGE } from './topology.js';
import { Consumer, type ConsumeBatchOptions, type ConsumeOptions, type ConsumeWithDbOptions, type Subscription } from './consumer.js';

export interface BrokerOptions {
  url: string;
  logger: Logger;
  serviceName: string;
  /** A publish not confirmed within this time rejects (a blocked broker must not hang callers). */
  publishTimeoutMs?: number;
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * Who may send which event type, as broker users: @shop/contracts' ALLOWED_SENDERS (each
   * service connects as the user of its own name). Tests of this package bring their own.
   */
  senders?: SenderTable;
}

/** Why the broker closed a publishing channel, when it was a refusal (403 ACCESS_REFUSED). */
interface Refusal {
  message: string;
  /** The routing key RabbitMQ names ("write access to topic 'x' ..."); undefined: not named. */
  topic?: string;
}

const ACCESS_REFUSED = 403;
const REOPEN_MIN_INTERVAL_MS = 1_000;

function refusalOf(err: Error & { code?: unknown }): Refusal | undefined {
  if (err.code !== ACCESS_REFUSED) return undefined;
  return { message: err.message, topic: /write access to topic '([^']+)'/.exec(err.message)?.[1] };
}

/** What setupWhileOpen watches: a connection's close event. */
interface Closable {
  once(event: 'close', listener: (err?: unknown) => void): unknown;
  removeListener(event: 'close', listener: (err?: unknown) => void): unknown;
}

/**
 * How long one (re)connect's setup (publisher channel, exchanges) may take before the attempt
 * counts as failed and amqplib tries again.
 */
export const SETUP_TIMEOUT_MS = 10_000;

/**
 * Runs a new connection's setup, failing it when the connection closes meanwhile or the setup
 * outlasts `timeoutMs`. amqplib's recovery binds a connection (and watches its close) only
 * after its setup has resolved, so a connection lost during the setup left a channel open or
 * an exchange check waiting for a reply that never came: the attempt never ended and no other
 * was scheduled (cart-2 stayed disconnected for 10 minutes after a reset in fault R2, 16:49 UTC
 * 2 December). `work` gets `alive()`: false once the attempt has been given up, so a setup that
 * finishes late does not install a dead connection.
 */
export async function setupWhileOpen<T>(model: Closable, timeoutMs: number, work: (alive: () => boolean) => Promise<T>): Promise<T> {
  let lost: Error | undefined;
  let fail: (err: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const give = (err: Error) => {
    lost ??= err;
    fail(lost);
  };
  const onClose = (err?: unknown) => give(new Error(`connection lost during its setup${err ? `: ${errorMessage(err)}` : ''}`));
  const timer = setTimeout(() => give(new Error(`connection setup took longer than ${timeoutMs} ms`)), timeoutMs);
  model.once('close', onClose);
  try {
    return await Promise.race([work(() => lost === undefined), failed]);
  } finally {
    clearTimeout(timer);
    model.removeListener('close', onClose);
  }
}

/** The user a connection URL logs in as (amqplib's default is guest). */
export function brokerUser(url: string): string {
  const name = new URL(url).username;
  return name ? decodeURIComponent(name) : 'guest';
}

/**
 * One AMQP connection per process that keeps itself alive: `connect` returns at once,
 * (re)connection runs in the background with backoff, and every consumer re-subscribes
 * after a reconnect. Publishing uses a confirm channel and rejects fast while disconnected.
 */
export class Broker {
  private connection?: RecoveringChannelModel;
  private model?: ChannelModel;
  private publisher?: ConfirmChannel;
  /** What closed each publishing channel, if the broker refused a publish on it. */
  private readonly refusals = new WeakMap<ConfirmChannel, Refusal>();
  private lastReopenAt = 0;
  private readonly consumers = new Set<Consumer>();
  private readonly connectedListeners: Array<() => void> = [];
  private closed = false;
  private readonly ready: Promise<void>;
  /** The broker user this process connects as: set as `user_id` on all it publishes. */
  readonly user: string;

  private constructor(private readonly options: BrokerOptions) {
    this.user = brokerUser(options.url);
    this.ready = this.start();
  }

  static connect(options: BrokerOptions): Broker {
    return new Broker(options);
  }

  isConnected(): boolean {
    return this.publisher !== undefined;
  }

  /** Calls `listener` after every (re)connect and publisher channel reopened, once publishing works again. */
  onConnected(listener: () => void): void {
    this.connectedListeners.push(listener);
  }

  /** A readiness check: throws while the broker is away. */
  assertConnected(): void {
    if (!this.isConnected()) throw new Error('not connected');
  }

  /** Resolves once connected, or rejects after `timeoutMs` (for scripts and tests). */
  async waitUntilConnected(timeoutMs = 10_000): Promise<void> {
    await this.ready;
    const deadline = Date.now() + timeoutMs;
    while (!this.isConnected()) {
      if (this.closed || Date.now() > deadline) throw new BrokerUnavailableError('broker did not connect in time');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /**
   * Publishes with confirms, in a producer span whose context rides in the message headers
   * (W3C traceparent). `parent`: the trace the event belongs to (the relay passes the one its
   * outbox row recorded); default the active one.
   */
  publish(envelope: EventEnvelope, parent?: Context): Promise<void> {
    return publishSpan(envelope, parent, (headers) => this.send(envelope, headers));
  }

  private send(envelope: EventEnvelope, headers: Record<string, string>): Promise<void> {
    const ch = this.publisher;
    if (!ch) {
      publishFailures.inc({ type: envelope.type });
      return Promise.reject(new BrokerUnavailableError());
    }
    return new Promise<void>((resolve, reject) => {
      const fail = (err: unknown) => {
        clearTimeout(timer);
        publishFailures.inc({ type: envelope.type });
        // Every publish still unconfirmed on a channel the broker closed fails with it; only the
        // refused routing key's are refusals, the others only need sending again.
        const refusal = this.refusals.get(ch);
        if (refusal && (refusal.topic === undefined || refusal.topic === envelope.type)) {
          publishRefused.inc({ type: envelope.type });
          return reject(new PublishRefusedError(envelope.type, `publish refused: ${refusal.message}`));
        }
        reject(err instanceof BrokerUnavailableError ? err : new BrokerUnavailableError(`publish failed: ${errorMessage(err)}`));
      };
      const timer = setTimeout(() => fail(new BrokerUnavailableError('publish not confirmed in time')), this.options.publishTimeoutMs ?? 5_000);
      try {
        ch.publish(EVENTS_EXCHANGE, envelope.type, Buffer.from(JSON.stringify(envelope)), {
          persistent: true,
          messageId: envelope.id,
          type: envelope.type,
          correlationId: envelope.correlationId,
          contentType: 'application/json',
          appId: this.options.serviceName,
          // RabbitMQ refuses a user_id other than the connection's own: consumers can trust it.
          userId: this.user,
          timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
          headers,
        }, (err) => {
          if (err) return fail(err);
          clearTimeout(timer);
          eventsPublished.inc({ type: envelope.type });
          resolve();
        });
      } catch (err) {
        fail(err);
      }
    });
  }

  /** Subscribes now if connected, and again after every reconnect. Never blocks boot. */
  consume<T extends EventType>(options: ConsumeWithDbOptions<T>): Subscription;
  consume<T extends EventType>(options: ConsumeOptions<T>): Subscription;
  consume(options: ConsumeOptions<EventType> | ConsumeWithDbOptions<EventType>): Subscription {
    const consumer = new Consumer(options, this.options.logger, () => (this.closed ? undefined : this.model), this.identity());
    this.consumers.add(consumer);
    void consumer.ensureSubscribed();
    return consumer.subscription(() => this.consumers.delete(consumer));
  }

  /** Like consume with a db, but many messages per transaction (see ConsumeBatchOptions). */
  consumeBatch<T extends EventType>(options: ConsumeBatchOptions<T>): Subscription {
    const consumer = new Consumer(options as unknown as ConsumeBatchOptions<EventType>, this.options.logger, () => (this.closed ? undefined : this.model), this.identity());
    this.consumers.add(consumer);
    void consumer.ensureSubscribed();
    return consumer.subscription(() => this.consumers.delete(consumer));
  }

  private identity(): { self: string; senders: SenderTable } {
    return { self: this.user, senders: this.options.senders ?? ALLOWED_SENDERS };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.ready;
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.publisher = undefined;
    this.model = undefined;
    await this.connection?.close().catch(() => {});
  }

  private async start(): Promise<void> {
    const { url, logger, serviceName, reconnect } = this.options;
    const connection = await amqp.connect(url, {
      clientProperties: { connection_name: serviceName },
      recovery: {
        waitForConnect: false,
        initialDelay: reconnect?.initialDelayMs ?? 250,
        // Bounded: once the broker is back, a client finds out within 5 s at worst.
        maxDelay: reconnect?.maxDelayMs ?? 5_000,
        setup: (model: ChannelModel) => this.onConnect(model),
      },
    });
    this.connection = connection;
    connection.on('connect', () => logger.info('broker connected'));
    connection.on('disconnect', (err) => {
      logger.warn({ err: errorMessage(err) }, 'broker disconnected, reconnecting');
    });
    connection.on('reconnect-scheduled', ({ attempt, delay, error }) =>
      logger.warn({ attempt, delay, err: errorMessage(error) }, 'broker reconnect scheduled'));
    connection.on('error', (err) => logger.warn({ err: errorMessage(err) }, 'broker connection error'));
    connection.on('handler-error', (err) => logger.error({ err }, 'broker event handler threw'));
    if (this.closed) await connection.close();
  }

  private async declareUnrouted(model: ChannelModel): Promise<void> {
    try {
      await ensureUnroutedQueue(model);
    } catch (err) {
      this.options.logger.warn({ err: errorMessage(err) }, 'could not declare the unrouted-events queue');
    }
  }

  // Runs after every successful (re)connect, before the connection counts as up; a throw
  // here makes amqplib close it and try again later.
  private async onConnect(model: ChannelModel): Promise<void> {
    const { logger } = this.options;
    model.on('error', (err) => logger.warn({ err: errorMessage(err) }, 'broker connection error'));
    model.on('close', () => {
      if (this.model !== model) return;
      this.model = undefined;
      this.publisher = undefined;
    });
    await setupWhileOpen(model, SETUP_TIMEOUT_MS, (alive) => this.setUp(model, alive));
  }

  private async setUp(model: ChannelModel, alive: () => boolean): Promise<void> {
    const publisher = await this.openPublisher(model);
    await ensureExchanges(model);
    await this.declareUnrouted(model);
    if (!alive()) return; // given up: amqplib closes it and connects again
    this.model = model;
    this.publisher = publisher;
    for (const consumer of this.consumers) void consumer.ensureSubscribed();
    for (const listener of this.connectedListeners) listener();
  }

  /**
   * A confirm channel for publishing on `model`. The broker closes a channel alone over a publish
   * it refuses (ACCESS_REFUSED for a routing key this user may not write, a bad user_id): then a
   * fresh channel is opened on the same connection at once. Closing the connection instead (as
   * this did) took every consumer's channel with it, redelivered whatever they were handling, and,
   * with the refused outbox row first in line, did it again on every reconnect.
   */
  private async openPublisher(model: ChannelModel): Promise<ConfirmChannel> {
    const { logger } = this.options;
    const publisher = await model.createConfirmChannel();
    publisher.on('error', (err: Error) => {
      const refusal = refusalOf(err);
      if (refusal) this.refusals.set(publisher, refusal);
      logger.warn({ err: errorMessage(err), refused: refusal?.topic ?? (refusal ? 'unnamed' : undefined) }, 'publisher channel error');
    });
    publisher.on('close', () => {
      if (this.publisher !== publisher || this.closed) return;
      this.publisher = undefined;
      // A connection that is going closes its channels first: let its own close be seen.
      setImmediate(() => void this.reopenPublisher(model));
    });
    return publisher;
  }

  private async reopenPublisher(model: ChannelModel): Promise<void> {
    // At most one reopen a second: a channel the broker keeps closing must not become a hot
    // loop with the relay, which the reopen kicks (publishes fail fast meanwhile).
    const wait = this.lastReopenAt + REOPEN_MIN_INTERVAL_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (this.model !== model || this.closed) return; // the connection went: its recovery reopens all
    this.lastReopenAt = Date.now();
    try {
      const publisher = await this.openPublisher(model);
      if (this.model !== model || this.closed) {
        await publisher.close().catch(() => {});
        return;
      }
      this.publisher = publisher;
      this.options.logger.info('publisher channel reopened');
      for (const listener of this.connectedListeners) listener();
    } catch (err) {
      // The connection itself is in trouble: rebuild everything through a reconnect.
      this.options.logger.warn({ err: errorMessage(err) }, 'could not reopen the publisher channel; reconnecting');
      if (this.model === model) model.close().catch(() => {});
    }
  }
}
