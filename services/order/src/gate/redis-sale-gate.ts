import type { RedisClient } from '@shop/cache';
import type { Logger } from '@shop/logger';
import type { GateResult, PreCheck, StockGate, StockSource } from '../domain/ports.js';
import type { Line } from '../domain/types.js';

// One hash tag for every gate key, so a multi-line script touches a single Redis Cluster slot.
const TAG = 'gate:{stock}';
export const gateKey = (productId: string): string => `${TAG}:${productId}`;
const TRACKED = `${TAG}:products`;
const LOCK = `${TAG}:reconcile-lock`;
/**
 * "This (user, key) was claimed once". It carries the gate's hash tag on purpose: the
 * pre-check reads it and the counters in ONE script, atomically and in one round trip, which
 * on a cluster needs one slot. The cost is that markers live on the gate's slot too; they are
 * small, expire with the idempotency window and are written only by requests that pass the
 * pre-check (at most a few per unit on sale), never by the refused flood.
 */
export const idempotencyMarkerKey = (userId: string, key: string): string => `idem:{stock}:${userId}:${key}`;

// KEYS[1]: the marker; KEYS[2..]: gate counters; ARGV[i]: units wanted from KEYS[i + 1].
// {2, 0}: known key. {1, 0}: go (some counter missing, or every line fits). {0, i}: line i short.
const PRE_CHECK = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {2, 0} end
local short = 0
for i = 2, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if not v then return {1, 0} end
  if short == 0 and tonumber(v) < tonumber(ARGV[i - 1]) then short = i - 1 end
end
if short > 0 then return {0, short} end
return {1, 0}`;

// All or none: check every line first, then decrement every line. {-1, i}: key i is missing.
const TAKE = `
for i = 1, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if not v then return {-1, i} end
  if tonumber(v) < tonumber(ARGV[i]) then return {0, i} end
end
for i = 1, #KEYS do redis.call('DECRBY', KEYS[i], ARGV[i]) end
return {1, 0}`;

// Only where the key still exists: a lost key is re-seeded from inventory, never from a give-back.
const GIVE_BACK = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('INCRBY', KEYS[i], ARGV[i]) end
end
return 1`;

function merge(lines: Line[]): Line[] {
  const units = new Map<string, number>();
  for (const l of lines) units.set(l.productId, (units.get(l.productId) ?? 0) + l.quantity);
  return [...units].map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * The sale gate on Redis. When Redis is unreachable it fails open (`bypassed`): the order
 * goes on to inventory, whose conditional update in Postgres still refuses to oversell.
 * Failing closed would turn a Redis blip into a lost sale for every customer.
 */
export class RedisSaleGate implements StockGate {
  constructor(
    private readonly redis: RedisClient,
    private readonly stock: StockSource,
    private readonly logger: Logger,
  ) {}

  async preCheck(userId: string, idempotencyKey: string, input: Line[]): Promise<PreCheck> {
    const lines = merge(input);
    if (lines.length === 0) return { outcome: 'go' };
    const keys = [idempotencyMarkerKey(userId, idempotencyKey), ...lines.map((l) => gateKey(l.productId))];
    try {
      const [code, index] = (await this.redis.eval(PRE_CHECK, keys.length, ...keys, ...lines.map((l) => String(l.quantity)))) as [number, number];
      if (code === 2) return { outcome: 'known' };
      if (code === 0) return { outcome: 'sold_out', productId: lines[index - 1].productId };
      return { outcome: 'go' };
    } catch {
      return { outcome: 'unavailable' };
    }
  }

  async markKey(userId: string, idempotencyKey: string, ttlSeconds: number): Promise<boolean> {
    try {
      await this.redis.set(idempotencyMarkerKey(userId, idempotencyKey), '1', 'EX', ttlSeconds);
      return true;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not record the idempotency marker');
      return false;
    }
  }

  async take(input: Line[]): Promise<GateResult> {
    const lines = merge(input);
    const keys = lines.map((l) => gateKey(l.productId));
    const qty = lines.map((l) => String(l.quantity));
    try {
      for (let round = 0; round < 3; round++) {
        const [code, index] = (await this.redis.eval(TAKE, keys.length, ...keys, ...qty)) as [number, number];
        if (code === 1) return { outcome: 'passed' };
        if (code === 0) return { outcome: 'sold_out', productId: lines[index - 1].productId };
        const seeded = await this.seed(lines[index - 1].productId);
        if (!seeded) return { outcome: 'bypassed', why: `no stock figure for ${lines[index - 1].productId}` };
      }
      return { outcome: 'bypassed', why: 'gate keys kept disappearing' };
    } catch (err) {
      return { outcome: 'bypassed', why: `redis: ${(err as Error).message}` };
    }
  }

  async giveBack(input: Line[]): Promise<void> {
    const lines = merge(input);
    try {
      await this.redis.eval(GIVE_BACK, lines.length, ...lines.map((l) => gateKey(l.productId)), ...lines.map((l) => String(l.quantity)));
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

  /** First use or a lost key: SET NX from inventory's figure, so concurrent seeders agree. */
  private async seed(productId: string): Promise<boolean> {
    const available = await this.stock.available(productId);
    if (available === undefined) return false;
    await this.redis.set(gateKey(productId), String(Math.max(0, available)), 'NX');
    await this.redis.sadd(TRACKED, productId);
    return true;
  }

  async trackedProducts(): Promise<string[]> {
    return this.redis.smembers(TRACKED);
  }

  async reset(productId: string, units: number): Promise<void> {
    await this.redis.set(gateKey(productId), String(Math.max(0, units)));
  }

  /** One replica reconciles at a time. */
  async tryLock(ms: number): Promise<boolean> {
    return (await this.redis.set(LOCK, '1', 'PX', ms, 'NX')) === 'OK';
  }
}
