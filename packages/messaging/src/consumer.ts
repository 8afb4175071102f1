import type { ChannelModel, ConfirmChannel } from 'amqplib';
import type { Knex } from 'knex';
import type { Logger } from '@shop/logger';
import type { Event, EventOf, EventType, SenderTable } from '@shop/contracts';
import { errorMessage } from './errors.js';
import { handleDelivery, type DeliveryContext } from './delivery.js';
import { Batcher, handleBatchDelivery, type BatchContext } from './batch.js';
import { assertConsumerTopology } from './topology.js';
import { watchTasks } from './metrics.js';

interface BaseConsumeOptions<T extends EventType> {
  /** `<service>.<purpose>`, e.g. `inventory.order-placed`; also the inbox consumer name. */
  queue: string;
  events: readonly T[];
  /**
   * Event types this queue was bound to by an earlier version and no longer consumes: their
   * bindings are removed at subscribe time (a binding outlives the code that made it, and its
   * messages would go to the dead-letter queue).
   */
  retiredEvents?: readonly EventType[];
  retryDelaysMs?: readonly number[];
  prefetch?: number;
}

/** Without a db: the handler must be idempotent on its own. */
export interface ConsumeOptions<T extends EventType> extends BaseConsumeOptions<T> {
  db?: undefined;
  handle: (event: EventOf<T>) => Promise<void>;
}

/** With a db: the handler runs inside processOnce's transaction, and task status is kept. */
export interface ConsumeWithDbOptions<T extends EventType> extends BaseConsumeOptions<T> {
  db: Knex;
  handle: (event: EventOf<T>, trx: Knex.Transaction) => Promise<void>;
}

/**
 * Batched, with a db: up to `batchSize` deliveries (waiting at most `maxWaitMs` for a batch to
 * fill) run in ONE transaction: inbox rows for all, `handleBatch` with the new ones only, task
 * completions; then all are acked. If the batch throws, each message is handled alone through
 * the per-message path (`handleBatch([event], trx)`), with its own retries and dead-lettering.
 * Prefetch defaults to twice the batch size, so the next batch fills while one commits.
 */
export interface ConsumeBatchOptions<T extends EventType> extends BaseConsumeOptions<T> {
  db: Knex;
  batchSize?: number;
  maxWaitMs?: number;
  handleBatch: (events: Array<EventOf<T>>, trx: Knex.Transaction) => Promise<void>;
}

/**
 * One typed handler per event type, as one `handle`: each gets its own event type, no casts.
 * `handle: byType({ 'order.confirmed.v1': (event, trx) => ..., 'order.rejected.v1': ... })`
 */
export function byType<T extends EventType, A extends unknown[], R = void>(
  handlers: { [K in T]: (event: Event<K>, ...args: A) => Promise<R> },
): (event: EventOf<T>, ...args: A) => Promise<R> {
  // The one place the union is split: each handler is called only with its own type.
  return (event, ...args) => (handlers[event.type as T] as (event: EventOf<T>, ...args: A) => Promise<R>)(event, ...args);
}

export type AnyConsumeOptions = ConsumeOptions<EventType> | ConsumeWithDbOptions<EventType> | ConsumeBatchOptions<EventType>;

export interface Subscription {
  readonly queue: string;
  isActive(): boolean;
  /** Resolves when the queue is first subscribed (for tests and scripts; boot need not wait). */
  waitUntilActive(timeoutMs?: number): Promise<void>;
  cancel(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The longest a consumer waits between subscribe attempts on a live connection. */
const MAX_SUBSCRIBE_BACKOFF_MS = 2_000;

/** One queue on its own channel, re-subscribed whenever its channel or connection comes back. */
export class Consumer {
  private channel?: ConfirmChannel;
  private consumerTag?: string;
  private busy = false;
  /** Cuts a subscribe backoff short (a reconnect happened meanwhile). */
  private wake?: () => void;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly ctx: DeliveryContext;
  private readonly batchCtx?: BatchContext;
  private batcher?: Batcher;
  private readonly log: Logger;
  /** Stops counting this queue's task statuses (messaging_tasks) when the consumer stops. */
  private readonly unwatchTasks: () => void;

  constructor(
    private readonly options: AnyConsumeOptions,
    logger: Logger,
    private readonly currentModel: () => ChannelModel | undefined,
    identity: { self: string; senders: SenderTable },
  ) {
    this.log = logger.child({ queue: options.queue });
    const base = {
      ...identity,
      queue: options.queue,
      events: new Set<string>(options.events),
      retryDelaysMs: options.retryDelaysMs ?? [1_000, 5_000, 30_000],
      logger: this.log,
    };
    if ('handleBatch' in options) {
      const handleBatch = options.handleBatch as BatchContext['handleBatch'];
      this.batchCtx = { ...base, db: options.db, handleBatch, handle: (event, trx) => handleBatch([event], trx!) };
      this.ctx = this.batchCtx;
    } else {
      this.ctx = { ...base, db: options.db, handle: options.handle as DeliveryContext['handle'] };
    }
    this.unwatchTasks = options.db ? watchTasks(options.db, options.queue) : () => {};
  }

  private prefetch(): number {
    const o = this.options;
    if (o.prefetch) return o.prefetch;
    return 'handleBatch' in o ? 2 * (o.batchSize ?? 50) : 20;
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((err) => this.log.error({ err }, 'delivery crashed'));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  /** Subscribes on the current connection unless already subscribed; safe to call repeatedly. */
  async ensureSubscribed(): Promise<void> {
    if (this.stopped) return;
    if (this.busy) {
      // A reconnect while we back off: try the new connection now, not when the timer ends.
      this.wake?.();
      return;
    }
    this.busy = true;
    try {
      for (let attempt = 0; !this.stopped && !this.channel; attempt++) {
        const model = this.currentModel();
        if (!model) break; // the broker calls again after it reconnects
        try {
          await this.subscribe(model);
        } catch (err) {
          this.log.error({ err: errorMessage(err), attempt }, 'could not subscribe, retrying');
          await this.backoff(Math.min(MAX_SUBSCRIBE_BACKOFF_MS, 200 * 2 ** attempt));
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async subscribe(model: ChannelModel): Promise<void> {
    const ch = await model.createConfirmChannel();
    ch.on('error', (err) => this.log.warn({ err: errorMessage(err) }, 'consumer channel error'));
    try {
      await ch.prefetch(this.prefetch());
      await assertConsumerTopology(ch, this.ctx.queue, this.options.events, this.ctx.retryDelaysMs, this.options.retiredEvents);
      const batchCtx = this.batchCtx;
      const o = this.options;
      const batcher = batchCtx && 'handleBatch' in o
        ? new Batcher(o.batchSize ?? 50, o.maxWaitMs ?? 20, (msgs) => this.track(handleBatchDelivery(batchCtx, ch, msgs)))
        : undefined;
      const { consumerTag } = await ch.consume(this.ctx.queue, (msg) => {
        if (!msg) return void ch.close().catch(() => {}); // the server cancelled us: resubscribe
        if (batcher) batcher.add(msg);
        else this.track(handleDelivery(this.ctx, ch, msg));
      });
      this.batcher = batcher;
      if (this.stopped) throw new Error('stopped while subscribing');
      this.channel = ch;
      this.consumerTag = consumerTag;
    } catch (err) {
      await ch.close().catch(() => {});
      throw err;
    }
    ch.on('close', () => {
      if (this.channel !== ch) return;
      this.batcher?.discard(); // unacked: the broker hands them out again
      this.channel = undefined;
      // Not synchronously: when the whole connection closes, amqplib closes its channels
      // one by one before the connection counts as closed, and a channel opened on it from
      // inside that loop is never answered nor closed (its open() hangs, and this consumer
      // with it). On the next turn a dead connection is gone (the broker resubscribes us
      // after the reconnect) and a live one can take the new channel.
      if (!this.stopped) setImmediate(() => void this.ensureSubscribed());
    });
    this.log.info({ events: this.options.events }, 'subscribed');
  }

  subscription(onCancel: () => void): Subscription {
    return {
      queue: this.ctx.queue,
      isActive: () => this.channel !== undefined,
      waitUntilActive: async (timeoutMs = 10_000) => {
        const deadline = Date.now() + timeoutMs;
        while (!this.channel) {
          if (this.stopped || Date.now() > deadline) throw new Error(`${this.ctx.queue} did not subscribe in time`);
          await sleep(20);
        }
      },
      cancel: async () => {
        onCancel();
        await this.stop();
      },
    };
  }

  /** Stops taking messages, lets the ones in hand finish (bounded), then closes the channel. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.stopped) this.unwatchTasks();
    this.stopped = true;
    const ch = this.channel;
    this.channel = undefined;
    if (!ch) return;
    if (this.consumerTag) await ch.cancel(this.consumerTag).catch(() => {});
    this.batcher?.flush(); // what is held is handled before the channel closes
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((r) => (timer = setTimeout(r, graceMs)));
    await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
    clearTimeout(timer);
    await ch.close().catch(() => {});
  }
}
