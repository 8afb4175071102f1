import { describe, it, expect, beforeAll, beforeEach, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@shop/logger';
import { Cache, type RedisClient, type RedisConfig } from '../src/index.js';
import { closeAll, connect, topologies, unreachable } from './topologies.js';

const logger = createLogger('cache-test', 'silent');
const options = { ttlSeconds: 60 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A loader that counts its calls and takes a while, as a database query would. */
function slowLoader<T>(value: T, ms = 100) {
  const loader = async () => {
    loader.calls++;
    await sleep(ms);
    return value;
  };
  loader.calls = 0;
  return loader;
}

describe.each(topologies)('Cache against %s', (_name, makeConfig) => {
  let config: RedisConfig;
  let prefix: string;
  const clients: RedisClient[] = [];
  const cacheOn = (c: RedisConfig, p = prefix) => {
    const client = connect(c);
    clients.push(client);
    return new Cache(client, logger, p);
  };

  beforeAll(async () => {
    config = await makeConfig();
  });
  beforeEach(() => {
    prefix = `cache-test:${randomUUID()}`; // each test its own keys; they expire with the TTL
  });
  afterAll(() => closeAll(clients));

  it('when a key is missing, then it loads once and the next read is a hit', async () => {
    const cache = cacheOn(config);
    const load = slowLoader({ id: 1, name: 'socks' }, 0);
    await expect(cache.getOrLoad('p:1', options, load)).resolves.toEqual({ value: { id: 1, name: 'socks' }, hit: false });
    await expect(cache.getOrLoad('p:1', options, load)).resolves.toEqual({ value: { id: 1, name: 'socks' }, hit: true });
    expect(load.calls).toBe(1);
  });

  it('when many misses for one key arrive together in one process, then the loader runs once', async () => {
    const cache = cacheOn(config);
    const load = slowLoader(['a', 'b']);
    const results = await Promise.all(Array.from({ length: 30 }, () => cache.getOrLoad('list', options, load)));
    expect(load.calls).toBe(1);
    for (const r of results) expect(r.value).toEqual(['a', 'b']);
  });

  it('when 50 misses for one key arrive at two replicas, then the loader runs at most twice', async () => {
    const replicas = [cacheOn(config), cacheOn(config)]; // separate clients, as two processes would have
    const load = slowLoader({ page: 1 }, 150);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => replicas[i % 2].getOrLoad('hot', options, load)));
    expect(load.calls).toBeGreaterThanOrEqual(1);
    expect(load.calls).toBeLessThanOrEqual(2);
    for (const r of results) expect(r.value).toEqual({ page: 1 });
  });

  it('when the replica holding the lock fails to load, then the other stops waiting and loads itself', async () => {
    const [a, b] = [cacheOn(config), cacheOn(config)];
    const lockOptions = { ttlSeconds: 60, lockMs: 5_000 };
    let aLoading!: () => void;
    const aHoldsLock = new Promise<void>((r) => (aLoading = r));
    const failing = a
      .getOrLoad('flaky', lockOptions, async () => {
        aLoading(); // a loader runs only once its caller holds the lock
        await sleep(100);
        throw new Error('database said no');
      })
      .catch((err: Error) => err.message);
    await aHoldsLock;
    const started = Date.now();
    const second = await b.getOrLoad('flaky', lockOptions, async () => 'fresh');
    expect(await failing).toBe('database said no'); // a loader's own error still reaches its caller
    expect(second.value).toBe('fresh');
    expect(Date.now() - started).toBeLessThan(1_500); // not the whole lockMs
  });

  it('when a namespace version is bumped, then keys of the old version are no longer reached', async () => {
    const cache = cacheOn(config);
    const read = async (value: string) => {
      const v = await cache.version('listings');
      return cache.getOrLoad(`list:v${v}:page1`, options, async () => value);
    };
    expect(await read('old')).toEqual({ value: 'old', hit: false });
    expect(await read('ignored')).toEqual({ value: 'old', hit: true });
    await cache.bumpVersion('listings');
    expect(await read('new')).toEqual({ value: 'new', hit: false });
    expect(await read('ignored')).toEqual({ value: 'new', hit: true });
  });

  it('when an entry is deleted, then the next read loads again', async () => {
    const cache = cacheOn(config);
    await cache.getOrLoad('one', options, async () => 1);
    await cache.delete('one');
    await expect(cache.getOrLoad('one', options, async () => 2)).resolves.toEqual({ value: 2, hit: false });
  });

  it('when an entry cannot be parsed, then it is a miss, not an error', async () => {
    const cache = cacheOn(config);
    await clients[clients.length - 1].set(`${prefix}:broken`, '{not json', 'EX', 60);
    await expect(cache.getOrLoad('broken', options, async () => 'rebuilt')).resolves.toEqual({ value: 'rebuilt', hit: false });
    await expect(cache.getOrLoad('broken', options, async () => 'again')).resolves.toEqual({ value: 'rebuilt', hit: true });
  });

  it('when Redis is unreachable, then values come from the loader quickly and nothing throws', async () => {
    const cache = cacheOn(await unreachable(config));
    for (const pause of [0, 300]) {
      // First right after the client is made (still connecting), then once it knows Redis is away.
      await sleep(pause);
      const started = Date.now();
      const version = await cache.version('listings');
      await expect(cache.getOrLoad(`list:v${version}`, options, async () => 'from the database')).resolves.toEqual({
        value: 'from the database',
        hit: false,
      });
      await expect(cache.bumpVersion('listings')).resolves.toBeUndefined();
      await expect(cache.delete('x')).resolves.toBeUndefined();
      expect(Date.now() - started).toBeLessThan(1_500);
    }
  });

  it('when Redis is unreachable, then concurrent misses still share one load', async () => {
    const cache = cacheOn(await unreachable(config));
    const load = slowLoader('v', 50);
    await Promise.all(Array.from({ length: 10 }, () => cache.getOrLoad('k', options, load)));
    expect(load.calls).toBe(1);
  });
});
