import type { RedisClient } from '@shop/cache';
import type { Logger } from '@shop/logger';
import type { GateAdmin, GateResult, PreCheck, StockGate } from '../domain/ports.js';
import type { SoldOutFlags } from '../domain/sold-out.js';
import type { Line } from '../domain/types.js';

const CHANNEL = 'gate:restocked';

/**
 * Which products this replica has lately heard the sale gate call sold out, in memory, so a
 * sold-out order can be answered without asking Redis for the counter (http/sold-out-lane.ts).
 * A flag lasts `ttlMs` at most; it goes at once when units go back to the gate on any replica
 * (`restocked`, sent on a Redis channel). Only refusals come from it: every sale still takes
 * its units from the gate and from Postgres, so a stale flag can only say "sold out" too often,
 * for at most `ttlMs`, never oversell.
 */
export class SoldOutBoard implements SoldOutFlags {
  /** Per product: until when, and the fewest units a refused line asked for (the counter is below it). */
  private flags = new Map<string, { until: number; short: number }>();
  /** When each product was last restocked (Date.now()): a read that began before it may be stale. */
  private restockedAt = new Map<string, number>();
  private subscriber?: RedisClient;

  constructor(private readonly deps: { redis: RedisClient; logger: Logger; ttlMs: number; now?: () => number }) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Whether `quantity` units of the product were lately known not to be there. */
  isSoldOut(productId: string, quantity: number): boolean {
    const flag = this.flags.get(productId);
    if (flag === undefined) return false;
    if (flag.until > this.now()) return quantity >= flag.short;
    this.flags.delete(productId);
    return false;
  }

  /** The gate had fewer than `quantity` units of `productId` in a read that began at `readAt`. */
  mark(productId: string, quantity: number, readAt: number): void {
    if (this.deps.ttlMs <= 0) return;
    // A restock heard after the read began may have landed before or after it in Redis: unknown, so no flag.
    if ((this.restockedAt.get(productId) ?? -Infinity) >= readAt) return;
    const flag = this.flags.get(productId);
    const until = this.now() + this.deps.ttlMs;
    this.flags.set(productId, { until, short: flag && flag.until > this.now() ? Math.min(flag.short, quantity) : quantity });
  }

  /** Units went back to the gate: forget the flag here at once and on the other replicas. */
  async restocked(productIds: string[]): Promise<void> {
    for (const id of productIds) this.forget(id);
    await Promise.all(productIds.map((id) => this.deps.redis.publish(CHANNEL, id))).catch((err: Error) =>
      this.deps.logger.warn({ err: err.message }, 'could not announce a restock; other replicas keep their sold-out flag until it expires'),
    );
  }

  private forget(productId: string): void {
    this.flags.delete(productId);
    this.restockedAt.set(productId, this.now());
    if (this.restockedAt.size > 10_000) this.restockedAt.clear(); // only the last ttlMs matter
  }

  start(): void {
    if (this.deps.ttlMs <= 0) return;
    this.subscriber = this.deps.redis.duplicate();
    this.subscriber.on('error', () => {});
    this.subscriber.on('message', (_channel: string, productId: string) => this.forget(productId));
    void this.subscriber.subscribe(CHANNEL).catch((err: Error) => this.deps.logger.warn({ err: err.message }, 'restock channel subscribe failed; sold-out flags end by their TTL'));
  }

  async stop(): Promise<void> {
    this.flags.clear();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}

/** Units of one product in an order's lines (the gate merges lines of the same product). */
const unitsOf = (lines: Line[], productId: string): number => lines.reduce((n, l) => (l.productId === productId ? n + l.quantity : n), 0);

/**
 * The sale gate, telling the board what it saw: a short counter raises a product's flag, and
 * every way units come back (give-back, the reconciler's reset) lowers it on every replica.
 */
export class BoardedGate implements StockGate, GateAdmin {
  constructor(
    private readonly gate: StockGate & GateAdmin,
    private readonly board: SoldOutBoard,
  ) {}

  async preCheck(userId: string, key: string, lines: Line[]): Promise<PreCheck> {
    const readAt = Date.now();
    const pre = await this.gate.preCheck(userId, key, lines);
    if (pre.outcome === 'sold_out') this.board.mark(pre.productId, unitsOf(lines, pre.productId), readAt);
    return pre;
  }

  markKey(userId: string, key: string, ttlSeconds: number): Promise<boolean> {
    return this.gate.markKey(userId, key, ttlSeconds);
  }

  async take(lines: Line[]): Promise<GateResult> {
    const readAt = Date.now();
    const result = await this.gate.take(lines);
    if (result.outcome === 'sold_out') this.board.mark(result.productId, unitsOf(lines, result.productId), readAt);
    return result;
  }

  async giveBack(lines: Line[]): Promise<void> {
    await this.gate.giveBack(lines);
    await this.board.restocked([...new Set(lines.map((l) => l.productId))]);
  }

  trackedProducts(): Promise<string[]> {
    return this.gate.trackedProducts();
  }

  async reset(productId: string, units: number): Promise<void> {
    await this.gate.reset(productId, units);
    if (units > 0) await this.board.restocked([productId]);
  }

  lower(productId: string, units: number): Promise<void> {
    return this.gate.lower(productId, units);
  }

  tryLock(ms: number): Promise<boolean> {
    return this.gate.tryLock(ms);
  }
}
