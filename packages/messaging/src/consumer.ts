import type { ChannelModel, ConfirmChannel } from 'amqplib';
import type { Knex } from 'knex';
import type { Logger } from '@shop/logger';
import type { Event, EventEnvelope, EventType } from '@shop/contracts';
import { errorMessage } from './errors.js';
import { handleDelivery, type DeliveryContext } from './delivery.js';
import { assertConsumerTopology } from './topology.js';

interface BaseConsumeOptions<T extends EventType> {
  /** `<service>.<purpose>`, e.g. `inventory.order-placed`; also the inbox consumer name. */
  queue: string;
  events: readonly T[];
  retryDelaysMs?: readonly number[];
  prefetch?: number;
}

/** Without a db: the handler must be idempotent on its own. */
export interface ConsumeOptions<T extends EventType> extends BaseConsumeOptions<T> {
  db?: undefined;
  handle: (event: Event<T>) => Promise<void>;
}

/** With a db: the handler runs inside processOnce's transaction, and task status is kept. */
export interface ConsumeWithDbOptions<T extends EventType> extends BaseConsumeOptions<T> {
  db: Knex;
  handle: (event: Event<T>, trx: Knex.Transaction) => Promise<void>;
}

export interface Subscription {
  readonly queue: string;
  isActive(): boolean;
  /** Resolves when the queue is first subscribed (for tests and scripts; boot need not wait). */
  waitUntilActive(timeoutMs?: number): Promise<void>;
  cancel(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One queue on its own channel, re-subscribed whenever its channel or connection comes back. */
export class Consumer {
  private channel?: ConfirmChannel;
  private consumerTag?: string;
  private busy = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly ctx: DeliveryContext;
  private readonly log: Logger;

  constructor(
    private readonly options: ConsumeOptions<EventType> | ConsumeWithDbOptions<EventType>,
    logger: Logger,
    private readonly currentModel: () => ChannelModel | undefined,
  ) {
    this.log = logger.child({ queue: options.queue });
    this.ctx = {
      queue: options.queue,
      events: new Set(options.events),
      retryDelaysMs: options.retryDelaysMs ?? [1_000, 5_000, 30_000],
      db: options.db,
      handle: options.handle as (event: EventEnvelope, trx: Knex.Transaction | undefined) => Promise<void>,
      logger: this.log,
    };
  }

  /** Subscribes on the current connection unless already subscribed; safe to call repeatedly. */
  async ensureSubscribed(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      for (let attempt = 0; !this.stopped && !this.channel; attempt++) {
        const model = this.currentModel();
        if (!model) break; // the broker calls again after it reconnects
        try {
          await this.subscribe(model);
        } catch (err) {
          this.log.error({ err: errorMessage(err), attempt }, 'could not subscribe, retrying');
          await sleep(Math.min(10_000, 200 * 2 ** attempt));
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private async subscribe(model: ChannelModel): Promise<void> {
    const ch = await model.createConfirmChannel();
    ch.on('error', (err) => this.log.warn({ err: errorMessage(err) }, 'consumer channel error'));
    try {
      await ch.prefetch(this.options.prefetch ?? 20);
      await assertConsumerTopology(ch, this.ctx.queue, this.options.events, this.ctx.retryDelaysMs);
      const { consumerTag } = await ch.consume(this.ctx.queue, (msg) => {
        if (!msg) return void ch.close().catch(() => {}); // the server cancelled us: resubscribe
        const work = handleDelivery(this.ctx, ch, msg).catch((err) => this.log.error({ err }, 'delivery crashed'));
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      });
      if (this.stopped) throw new Error('stopped while subscribing');
      this.channel = ch;
      this.consumerTag = consumerTag;
    } catch (err) {
      await ch.close().catch(() => {});
      throw err;
    }
    ch.on('close', () => {
      if (this.channel !== ch) return;
      this.channel = undefined;
      if (!this.stopped) void this.ensureSubscribed();
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
    this.stopped = true;
    const ch = this.channel;
    this.channel = undefined;
    if (!ch) return;
    if (this.consumerTag) await ch.cancel(this.consumerTag).catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((r) => (timer = setTimeout(r, graceMs)));
    await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
    clearTimeout(timer);
    await ch.close().catch(() => {});
  }
}
