import type { RedisClient } from '@shop/cache';
import type { Db } from '@shop/db';
import type { Logger } from '@shop/logger';
import { startLoop, type Loop } from '@shop/jobs';
import { liveDrops } from '../data/drop.repository.js';
import type { DropDirectory, DropQueue } from '../domain/drop-ports.js';
import type { DropRecord } from '../domain/drop-types.js';

const CHANNEL = 'drops:changed';
/** The backstop reload, should a pub/sub message be missed (the channel is the signal). */
const RELOAD_MS = 30_000;

/**
 * Which products have a live drop, in memory on every replica, so the order path can refuse a
 * bot before any I/O. Loaded from Postgres at boot, again on a `drops:changed` message (sent
 * when a drop is created or closed) and every 30 s as a backstop. It also opens each drop: a timer fires
 * at opensAt and runs `open` (deterministic and idempotent, so both replicas may run it).
 */
export class LiveDropDirectory implements DropDirectory {
  private byProduct = new Map<string, DropRecord>();
  private timers = new Map<string, NodeJS.Timeout>();
  private subscriber?: RedisClient;
  private loop?: Loop;
  private stopped = false;

  constructor(
    private readonly deps: {
      db: Db;
      redis: RedisClient;
      queue: DropQueue;
      logger: Logger;
      open: (drop: DropRecord) => Promise<'opened' | 'not_yet' | 'already'>;
    },
  ) {}

  dropForProduct(productId: string): string | undefined {
    return this.byProduct.get(productId)?.id;
  }

  /** The live drops this replica knows (for the drop gauges). */
  live(): DropRecord[] {
    return [...this.byProduct.values()];
  }

  start(): void {
    this.loop = startLoop({ name: 'drop-directory', intervalMs: RELOAD_MS, logger: this.deps.logger, tick: () => this.reload() });
    this.subscriber = this.deps.redis.duplicate();
    this.subscriber.on('error', () => {});
    this.subscriber.on('message', () => this.loop?.kick());
    void this.subscriber.subscribe(CHANNEL).catch((err: Error) => this.deps.logger.warn({ err: err.message }, 'drop channel subscribe failed; reloading every 30 s'));
  }

  /** This replica knows at once (a new drop, or a closed one to forget); the others on the message. */
  async announce(drop: DropRecord): Promise<void> {
    if (drop.closedAt) this.remove(drop);
    else this.add(drop);
    await this.deps.redis.publish(CHANNEL, drop.id).catch((err: Error) => this.deps.logger.warn({ err: err.message }, 'could not announce a drop'));
  }

  async reload(): Promise<void> {
    const drops = await liveDrops(this.deps.db);
    const next = new Map<string, DropRecord>();
    for (const d of drops) next.set(d.productId, d);
    for (const d of this.byProduct.values()) if (next.get(d.productId)?.id !== d.id) this.remove(d);
    this.byProduct = next;
    for (const d of drops) this.add(d);
  }

  private remove(drop: DropRecord): void {
    if (this.byProduct.get(drop.productId)?.id === drop.id) this.byProduct.delete(drop.productId);
    clearTimeout(this.timers.get(drop.id));
    this.timers.delete(drop.id);
  }

  private add(drop: DropRecord): void {
    this.byProduct.set(drop.productId, drop);
    if (drop.openedAt || this.timers.has(drop.id) || this.stopped) return;
    // Redis lost it? SCHEDULE is create-only, so this never resets a live queue.
    void this.deps.queue.schedule(drop).catch(() => {});
    this.arm(drop, drop.opensAt.getTime() - Date.now());
  }

  private arm(drop: DropRecord, delayMs: number, attempt = 0): void {
    const timer = setTimeout(() => {
      this.deps
        .open(drop)
        .then((outcome) => {
          if (outcome === 'not_yet') throw new Error('Redis clock not yet at opensAt');
          this.timers.delete(drop.id);
          drop.openedAt = new Date();
        })
        .catch((err: Error) => {
          if (this.stopped) return;
          if (attempt > 3) this.deps.logger.warn({ err: err.message, dropId: drop.id }, 'drop open failed; retrying');
          this.arm(drop, Math.min(2_000, 50 * 2 ** attempt), attempt + 1);
        });
    }, Math.max(0, Math.min(delayMs + 5, 2 ** 31 - 1)));
    timer.unref();
    this.timers.set(drop.id, timer);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    await this.loop?.stop();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
