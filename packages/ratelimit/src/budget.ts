import { RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { breakerFor, RedisUnavailableError, type RedisClient } from '@shop/cache';

export interface BudgetOptions {
  redis: RedisClient;
  /** Names the budget in Redis (`rl:orders`, `login:fails-ip`); one prefix per budget. */
  keyPrefix: string;
  points: number;
  durationSec: number;
  /** Once spent, how long the key stays refused (0: until the window ends). */
  blockSec?: number;
}

/**
 * A budget of `points` per `durationSec` per key, counted in Redis so every replica shares it.
 * `consume` resolves with what is left, or rejects with a RateLimiterRes when the budget is
 * spent (rate-limiter-flexible's convention).
 *
 * When Redis is away, each replica counts alone in memory (same numbers, so the budget is
 * points x replicas): the shop keeps selling instead of failing closed, and abuse is still
 * bounded. "Away" is the Redis client's breaker (@shop/cache `breakerFor`), shared with the
 * cache, the deny-list and the sale gate: a Redis that is not connected, fails, or has not
 * answered within the breaker's deadline; once one caller saw that, nobody waits on it until
 * it answers a PING again. docs/decisions.md, "When Redis is down".
 */
export interface SharedBudget {
  consume(key: string, points?: number): Promise<RateLimiterRes>;
  /** Gives points back (a login that turned out right). */
  reward(key: string, points?: number): Promise<void>;
  /** Forgets the key (a run of failures that ended). */
  delete(key: string): Promise<void>;
}

export function sharedBudget(options: BudgetOptions): SharedBudget {
  const { keyPrefix, points } = options;
  if (!(points > 0) || !(options.durationSec > 0)) throw new Error('sharedBudget: points and durationSec must be positive');
  const shape = { keyPrefix, points, duration: options.durationSec, blockDuration: options.blockSec ?? 0 };
  const inRedis = new RateLimiterRedis({ ...shape, storeClient: options.redis, rejectIfRedisNotReady: true });
  const inMemory = new RateLimiterMemory(shape);
  const breaker = breakerFor(options.redis);
  /** Redis' answer, or this replica's memory when Redis is away. */
  const either = async <R>(redis: () => Promise<R>, memory: () => Promise<R>): Promise<R> => {
    try {
      return await breaker.run(redis);
    } catch (err) {
      if (err instanceof RedisUnavailableError) return memory();
      throw err;
    }
  };
  return {
    consume: (key, n = 1) => either(() => inRedis.consume(key, n), () => inMemory.consume(key, n)),
    reward: (key, n = 1) => either(() => inRedis.reward(key, n), () => inMemory.reward(key, n)).then(() => undefined),
    delete: (key) => either(() => inRedis.delete(key), () => inMemory.delete(key)).then(() => undefined),
  };
}
