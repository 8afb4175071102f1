import { breakerFor, evalScript, slotKey, type RedisBreaker, type RedisClient } from '@shop/cache';
import type { Logger } from '@shop/logger';
import type { GateResult, PreCheck, StockGate, StockSource } from '../domain/ports.js';
import type { Line } from '../domain/types.js';

/**
 * Each product's counter has its own hash tag (`gate:{p:<id>}`), so on a Redis Cluster the
 * hot products of a drop land on different nodes instead of one slot. Every script below
 * therefore touches one product; an order of several products takes them one by one and
 * gives back what it took when a later one is short (the gate may say no too often, never
 * oversell).
 */
export const gateKey = (productId: string): string => slotKey('gate', `p:${productId}`);
// Written on a product's first use and by the reconciler only: one slot of their own is fine.
const TRACKED = slotKey('gate', 'gate', 'products');
const LOCK = slotKey('gate', 'gate', 'reconcile-lock');
/**
 * "This (user, key) was claimed once", tagged by the user: a drop's markers spread over the
 * cluster with its buyers. The pre-check reads it beside the counters in one round trip
 * (commands sent together), not in one script: the pre-check only advises, so it needs no
 * atomicity across the two.
 */
export const idempotencyMarkerKey = (userId: string, key: string): string => slotKey('idem', `u:${userId}`, key);

// KEYS[1]: one product's counter; ARGV[1]: units wanted. -1: missing, 0: short, 1: taken.
const TAKE = `
local v = redis.call('GET', KEYS[1])
if not v then return -1 end
if tonumber(v) < tonumber(ARGV[1]) then return 0 end
redis.call('DECRBY', KEYS[1], ARGV[1])
return 1`;

// Only where the key still exists: a lost key is re-seeded from inventory, never from a give-back.
const GIVE_BACK = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCRBY', KEYS[1], ARGV[1]) end
return 1`;

// Only down, and only an existing key: a take or give-back between our read and write is kept.
const LOWER = `
local v = redis.call('GET', KEYS[1])
if v and tonumber(v) > tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1`;

function merge(lines: Line[]): Line[] {
  const units = new Map<string, number>();
  for (const l of lines) units.set(l.productId, (units.get(l.productId) ?? 0) + l.quantity);
  // Sorted, so concurrent multi-product orders take their products in the same order.
  return [...units].map(([productId, quantity]) => ({ productId, quantity })).sort((a, b) => a.productId.localeCompare(b.productId));
}

/**
 * The sale gate on Redis. When Redis is unreachable it fails open (`bypassed`): the order
 * goes on to inventory, whose conditional update in Postgres still refuses to oversell.
 * Failing closed would turn a Redis blip into a lost sale for every customer.
 *
 * The order path's calls (pre-check, marker, take, give-back) go through the client's breaker
 * (@shop/cache), shared with the cache, rate limits and deny-list: a hung Redis costs one order
 * per replica the breaker's deadline, then the gate is bypassed at once until Redis answers a
 * PING. The reconciler's and the drops' calls need Redis' answer and wait the client's timeout,
 * once: while the breaker is open the client refuses them at once (@shop/cache `refuseWhileAway`).
 */
export class RedisSaleGate implements StockGate {
  private readonly breaker: RedisBreaker;

  constructor(
    private readonly redis: RedisClient,
    private readonly stock: StockSource,
    private readonly logger: Logger,
  ) {
    this.breaker = breakerFor(redis, logger);
  }

  async preCheck(userId: string, idempotencyKey: string, input: Line[]): Promise<PreCheck> {
    const lines = merge(input);
    if (lines.length === 0) return { outcome: 'go' };
    try {
      const [known, ...units] = await this.breaker.run(() =>
        Promise.all([this.redis.exists(idempotencyMarkerKey(userId, idempotencyKey)), ...lines.map((l) => this.redis.get(gateKey(l.productId)))]),
      );
      if (known) return { outcome: 'known' };
      // A missing counter is seeded by take(); until then nothing is known to be short.
      if (units.some((v) => v === null)) return { outcome: 'go' };
      const short = lines.findIndex((l, i) => Number(units[i]) < l.quantity);
      return short >= 0 ? { outcome: 'sold_out', productId: lines[short].productId } : { outcome: 'go' };
    } catch {
      return { outcome: 'unavailable' };
    }
  }

  async markKey(userId: string, idempotencyKey: string, ttlSeconds: number): Promise<boolean> {
    try {
      await this.breaker.run(() => this.redis.set(idempotencyMarkerKey(userId, idempotencyKey), '1', 'EX', ttlSeconds));
      return true;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not record the idempotency marker');
      return false;
    }
  }

  async take(input: Line[]): Promise<GateResult> {
    const lines = merge(input);
    const taken: Line[] = [];
    const undo = async (result: GateResult): Promise<GateResult> => {
      if (taken.length) await this.giveBack(taken);
      return result;
    };
    try {
      for (const line of lines) {
        const result = await this.takeOne(line);
        if (result.outcome !== 'passed') return await undo(result);
        taken.push(line);
      }
      return { outcome: 'passed' };
    } catch (err) {
      return undo({ outcome: 'bypassed', why: `redis: ${(err as Error).message}` });
    }
  }

  private async takeOne(line: Line): Promise<GateResult> {
    const script = { name: 'gate-take', lua: TAKE, keys: [gateKey(line.productId)], args: [line.quantity] };
    for (let round = 0; round < 3; round++) {
      const code = await this.breaker.run(() => evalScript<number>(this.redis, script));
      if (code === 1) return { outcome: 'passed' };
      if (code === 0) return { outcome: 'sold_out', productId: line.productId };
      if (!(await this.seed(line.productId))) return { outcome: 'bypassed', why: `no stock figure for ${line.productId}` };
    }
    return { outcome: 'bypassed', why: 'gate keys kept disappearing' };
  }

  async giveBack(input: Line[]): Promise<void> {
    try {
      await this.breaker.run(() =>
        Promise.all(merge(input).map((l) => evalScript(this.redis, { name: 'gate-give-back', lua: GIVE_BACK, keys: [gateKey(l.productId)], args: [l.quantity] }))),
      );
    } catch (err) {
      // The reconciler resets the key from inventory later; until then the gate only says no too often.
      this.logger.warn({ err: (err as Error).message }, 'could not give units back to the sale gate');
    }
  }

  /** The gate's units for a product (seeded from inventory when missing); undefined when unknown. */
  async units(productId: string): Promise<number | undefined> {
    let v = await this.redis.get(gateKey(productId));
    if (v === null && (await this.seed(productId))) v = await this.redis.get(gateKey(productId));
    return v === null ? undefined : Math.max(0, Number(v));
  }

  /**
   * First use or a lost key: SET NX from inventory's figure, so concurrent seeders agree. On
   * the order path, so through the breaker (the inventory call before it has its own deadline).
   */
  private async seed(productId: string): Promise<boolean> {
    const available = await this.stock.available(productId);
    if (available === undefined) return false;
    await this.breaker.run(() => Promise.all([this.redis.set(gateKey(productId), String(Math.max(0, available)), 'NX'), this.redis.sadd(TRACKED, productId)]));
    return true;
  }

  async trackedProducts(): Promise<string[]> {
    return this.redis.smembers(TRACKED);
  }

  async reset(productId: string, units: number): Promise<void> {
    await this.redis.set(gateKey(productId), String(Math.max(0, units)));
  }

  async lower(productId: string, units: number): Promise<void> {
    await this.redis.eval(LOWER, 1, gateKey(productId), String(Math.max(0, units)));
  }

  /** One replica reconciles at a time. */
  async tryLock(ms: number): Promise<boolean> {
    return (await this.redis.set(LOCK, '1', 'PX', ms, 'NX')) === 'OK';
  }
}
