import { randomUUID } from 'node:crypto';
import type { Logger } from '@shop/logger';
import { evalScript } from './eval-script.js';
import { breakerFor, type RedisBreaker } from './breaker.js';
import type { RedisClient } from './redis.js';

export interface CacheOptions {
  ttlSeconds: number;
  /** How long one process may hold the rebuild lock for a key. */
  lockMs?: number;
}

const WAIT_STEP_MS = 25;
/** What a Redis call gives back when Redis is unreachable (never a Redis answer). */
const DOWN = Symbol('redis unavailable');
type Down = typeof DOWN;

// Delete the lock only if it is still ours: after lockMs it may belong to another process.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Cache-aside with stampede protection on two levels: concurrent misses in one process
 * share one load (single flight), and across processes one holder of a short Redis lock
 * rebuilds while the others poll briefly for its result. When Redis is down, reads go
 * straight to the loader: the cache is an accelerator, never a dependency. Every call goes
 * through the client's breaker (`breakerFor`): a Redis answer later than its deadline
 * (150 ms) is worse than none, and after one failed call every caller on that client stops
 * waiting on Redis until a background PING is answered.
 *
 * Invalidation of whole families (e.g. every listing page) uses a namespace version:
 * keys embed the version, and a bump makes every old key unreachable at once, which
 * also works on a Redis Cluster where a key scan would not.
 */
export class Cache {
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly breaker: RedisBreaker;

  constructor(
    private readonly redis: RedisClient,
    private readonly logger: Logger,
    private readonly prefix: string,
  ) {
    this.breaker = breakerFor(redis, logger);
  }

  async getOrLoad<T>(key: string, options: CacheOptions, load: () => Promise<T>): Promise<{ value: T; hit: boolean }> {
    const fullKey = `${this.prefix}:${key}`;
    const joined = this.inflight.get(fullKey) as Promise<T> | undefined;
    if (joined) return { value: await joined, hit: false };
    const cached = await this.read<T>(fullKey);
    if (cached !== undefined && cached !== DOWN) return { value: cached, hit: true };
    const running = this.inflight.get(fullKey) as Promise<T> | undefined; // set while we read
    if (running) return { value: await running, hit: false };
    const loading = (cached === DOWN ? load() : this.loadWithLock(fullKey, options, load)).finally(() => this.inflight.delete(fullKey));
    this.inflight.set(fullKey, loading);
    return { value: await loading, hit: false };
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.safely(() => Promise.all(keys.map((k) => this.redis.del(`${this.prefix}:${k}`))));
  }

  /**
   * The current version of a namespace, for building keys. When Redis cannot say, a
   * one-off value: falling back to '0' would reach entries written before the first bump.
   */
  async version(namespace: string): Promise<string> {
    const v = await this.safely(() => this.redis.get(`${this.prefix}:ver:${namespace}`));
    if (v === DOWN) return `unknown-${randomUUID()}`;
    return v ?? '0';
  }

  async bumpVersion(namespace: string): Promise<void> {
    await this.safely(() => this.redis.incr(`${this.prefix}:ver:${namespace}`));
  }

  private async loadWithLock<T>(fullKey: string, options: CacheOptions, load: () => Promise<T>): Promise<T> {
    const lockMs = options.lockMs ?? 2_000;
    const lockKey = `${fullKey}:lock`;
    const token = randomUUID();
    const gotLock = await this.safely(() => this.redis.set(lockKey, token, 'PX', lockMs, 'NX'));
    if (gotLock === DOWN) return load(); // Redis is away: serve from the source.
    if (gotLock === 'OK') {
      try {
        // The holder before us may have stored the value between our read and our lock.
        const stored = await this.read<T>(fullKey);
        if (stored !== undefined && stored !== DOWN) return stored;
        return await this.loadAndStore(fullKey, options, load);
      } finally {
        await this.safely(() => evalScript(this.redis, { name: 'cache-unlock', lua: RELEASE, keys: [lockKey], args: [token] }));
      }
    }
    for (let waited = 0; waited < lockMs; waited += WAIT_STEP_MS) {
      await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
      // Lock first, value second: the holder stores before it unlocks.
      const holder = await this.safely(() => this.redis.exists(lockKey));
      const value = await this.read<T>(fullKey);
      if (value === DOWN) return load();
      if (value !== undefined) return value;
      if (holder === 0) break; // the holder gave up (its load failed): stop waiting for it
    }
    return this.loadAndStore(fullKey, options, load);
  }

  private async loadAndStore<T>(fullKey: string, options: CacheOptions, load: () => Promise<T>): Promise<T> {
    const value = await load();
    // JSON has no `undefined`: storing it would write an empty string that never parses.
    if (value !== undefined) await this.safely(() => this.redis.set(fullKey, JSON.stringify(value), 'EX', options.ttlSeconds));
    return value;
  }

  /** The cached value, undefined on a miss, DOWN when Redis did not answer. */
  private async read<T>(fullKey: string): Promise<T | undefined | Down> {
    const raw = await this.safely(() => this.redis.get(fullKey));
    if (raw === DOWN) return DOWN;
    if (raw == null) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      this.logger.warn({ key: fullKey }, 'unparseable cache entry, treating as a miss');
      return undefined;
    }
  }

  /** The call's answer, or DOWN when Redis is away (the breaker says so, or this call found out). */
  private async safely<R>(op: () => Promise<R>): Promise<R | Down> {
    try {
      return await this.breaker.run(op);
    } catch (err) {
      // A command Redis refused (a bad entry, WRONGTYPE) is as good as a miss for a cache.
      this.logger.debug({ err: (err as Error).message }, 'cache call failed; going to the source');
      return DOWN;
    }
  }
}
