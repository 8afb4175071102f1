import type { Logger } from '@shop/logger';
import type { RedisClient } from './redis.js';

export interface CacheOptions {
  ttlSeconds: number;
  /** How long one process may hold the rebuild lock for a key. */
  lockMs?: number;
}

const WAIT_STEP_MS = 25;

/**
 * Cache-aside with stampede protection on two levels: concurrent misses in one process
 * share one load (single flight), and across processes one holder of a short Redis lock
 * rebuilds while the others poll briefly for its result. When Redis is down, reads go
 * straight to the loader: the cache is an accelerator, never a dependency.
 *
 * Invalidation of whole families (e.g. every listing page) uses a namespace version:
 * keys embed the version, and a bump makes every old key unreachable at once, which
 * also works on a Redis Cluster where a key scan would not.
 */
export class Cache {
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly logger: Logger,
    private readonly prefix: string,
  ) {}

  async getOrLoad<T>(key: string, options: CacheOptions, load: () => Promise<T>): Promise<{ value: T; hit: boolean }> {
    const fullKey = `${this.prefix}:${key}`;
    const cached = await this.read<T>(fullKey);
    if (cached !== undefined) return { value: cached, hit: true };
    const running = this.inflight.get(fullKey) as Promise<T> | undefined;
    if (running) return { value: await running, hit: false };
    const loading = this.loadWithLock(fullKey, options, load).finally(() => this.inflight.delete(fullKey));
    this.inflight.set(fullKey, loading);
    return { value: await loading, hit: false };
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.safely(() => Promise.all(keys.map((k) => this.redis.del(`${this.prefix}:${k}`))));
  }

  /** The current version of a namespace, for building keys. */
  async version(namespace: string): Promise<string> {
    const v = await this.safely(() => this.redis.get(`${this.prefix}:ver:${namespace}`));
    return v ?? '0';
  }

  async bumpVersion(namespace: string): Promise<void> {
    await this.safely(() => this.redis.incr(`${this.prefix}:ver:${namespace}`));
  }

  private async loadWithLock<T>(fullKey: string, options: CacheOptions, load: () => Promise<T>): Promise<T> {
    const lockMs = options.lockMs ?? 2_000;
    const gotLock = await this.safely(() => this.redis.set(`${fullKey}:lock`, '1', 'PX', lockMs, 'NX'));
    if (gotLock === undefined) return load(); // Redis is away: serve from the source.
    if (gotLock !== 'OK') {
      for (let waited = 0; waited < lockMs; waited += WAIT_STEP_MS) {
        await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
        const value = await this.read<T>(fullKey);
        if (value !== undefined) return value;
      }
    }
    const value = await load();
    await this.safely(() => this.redis.set(fullKey, JSON.stringify(value), 'EX', options.ttlSeconds));
    if (gotLock === 'OK') await this.safely(() => this.redis.del(`${fullKey}:lock`));
    return value;
  }

  private async read<T>(fullKey: string): Promise<T | undefined> {
    const raw = await this.safely(() => this.redis.get(fullKey));
    return raw == null ? undefined : (JSON.parse(raw) as T);
  }

  private async safely<R>(op: () => Promise<R>): Promise<R | undefined> {
    try {
      return await op();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'cache unavailable, bypassing');
      return undefined;
    }
  }
}
