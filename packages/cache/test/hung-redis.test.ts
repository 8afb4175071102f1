import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ReplyError } from 'ioredis';
import { createLogger } from '@shop/logger';
import { hungLink, testEnv, type HungLink } from '@shop/testing';
import { Cache, breakerFor, RedisUnavailableError, type RedisClient } from '../src/index.js';
import { closeAll, connect } from './topologies.js';

const logger = createLogger('cache-test', 'silent');
const options = { ttlSeconds: 60 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A client that reaches the test Redis through a relay the test can hold or cut; made before a
 * suite's first test, closed after its last.
 */
function hungClient(): { relay: HungLink; client: RedisClient } {
  const h = {} as { relay: HungLink; client: RedisClient };
  beforeAll(async () => {
    const url = new URL(testEnv('cache').REDIS_URL);
    h.relay = await hungLink({ port: Number(url.port || 6379) });
    h.client = connect({ url: `redis://127.0.0.1:${h.relay.port}${url.pathname}` });
    await h.client.ping();
  });
  afterAll(async () => {
    h.relay.set('off');
    await closeAll([h.client]);
    await h.relay.close();
  });
  return h;
}

describe('Cache when Redis hangs', () => {
  const h = hungClient();

  it('when Redis stops answering, then only the first read waits for it (150 ms, not the 1 s command timeout), the rest come from the loader at once, and the cache is used again once Redis answers', async () => {
    const { relay, client } = h;
    const prefix = `cache-test:${randomUUID()}`;
    const listing = new Cache(client, logger, prefix);
    const detail = new Cache(client, logger, prefix); // a second cache on the same client shares the breaker
    let loads = 0;
    const load = async () => ++loads;
    await listing.getOrLoad('k', options, load); // stored while Redis answers
    expect(await listing.getOrLoad('k', options, load)).toEqual({ value: 1, hit: true });

    relay.set('hold');
    const first = Date.now();
    expect((await listing.getOrLoad('k', options, load)).hit).toBe(false); // waits for the cache's deadline
    const firstMs = Date.now() - first;
    expect(breakerFor(client).open).toBe(true);

    const rest: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = Date.now();
      const r = await (i % 2 ? detail : listing).getOrLoad('k', options, load);
      rest.push(Date.now() - t);
      expect(r.hit).toBe(false);
    }
    // The cache waits 150 ms for Redis (the client's own command timeout is 1 s): the first
    // read paid that, none of the others waited on Redis at all.
    expect(firstMs).toBeGreaterThanOrEqual(140);
    expect(firstMs).toBeLessThan(900);
    expect(Math.max(...rest)).toBeLessThan(200);

    relay.set('off');
    for (let i = 0; i < 40 && breakerFor(client).open; i++) await sleep(100);
    expect(breakerFor(client).open).toBe(false);
    const before = loads;
    await listing.getOrLoad('again', options, load);
    expect(await listing.getOrLoad('again', options, load)).toEqual({ value: before + 1, hit: true });
  }, 20_000);

  it('when Redis answered with an error of its own, or the caller rejected with a non-error, then the breaker stays closed and the rejection is passed on', async () => {
    const { client } = h;
    const breaker = breakerFor(client);
    const key = `cache-test:${randomUUID()}`;
    await client.set(key, 'a string');
    await expect(breaker.run(() => client.incr(key))).rejects.toBeInstanceOf(ReplyError);
    const over = { remaining: 0 };
    await expect(breaker.run(() => Promise.reject(over))).rejects.toBe(over);
    expect(breaker.open).toBe(false);
    await expect(breaker.run(() => client.get(key))).resolves.toBe('a string');
  });
});

describe('A Redis connection whose replies were lost', () => {
  const h = hungClient();

  it('when Redis acted on commands whose replies were dropped (toxiproxy timeout) and the link heals, then every later reply is its own command\'s, not the one before\'s', async () => {
    const { relay, client } = h;
    const keys = Array.from({ length: 10 }, (_, i) => `cache-test:${randomUUID()}:${i}`);
    await Promise.all(keys.map((k) => client.set(k, k, 'EX', 60)));
    relay.set('drop');
    // Redis executes these, but their replies never arrive: ioredis times them out after 1 s.
    await expect(client.get(keys[0])).rejects.toThrow(/timed out/);
    await expect(breakerFor(client).run(() => client.get(keys[1]))).rejects.toBeInstanceOf(RedisUnavailableError);
    relay.set('off');
    // Back once a PING is answered; from then on each GET must answer with its own key's value.
    for (let i = 0; i < 50 && breakerFor(client).open; i++) await sleep(100);
    expect(breakerFor(client).open).toBe(false);
    const answers: Array<string | null> = [];
    for (const k of keys) answers.push(await client.get(k).catch((e: Error) => e.message));
    expect(answers).toEqual(keys);
  }, 20_000);
});

describe('A caller that needs Redis\' answer when Redis hangs', () => {
  let relay: HungLink;
  let client: RedisClient;

  beforeAll(async () => {
    const url = new URL(testEnv('cache').REDIS_URL);
    relay = await hungLink({ port: Number(url.port || 6379) });
    client = connect({ url: `redis://127.0.0.1:${relay.port}${url.pathname}` });
    await client.ping();
  });
  afterAll(async () => {
    relay.set('off');
    await closeAll([client]);
    await relay.close();
  });

  const timed = async (op: () => Promise<unknown>) => {
    const started = Date.now();
    const outcome = await op().then(() => 'answered', (err: Error) => err);
    return { outcome, ms: Date.now() - started };
  };

  it('when Redis stops answering, then only the first command waits the 1 s command timeout, every later one is refused at once as "Redis is unavailable" until a PING is answered, and it answers again after', async () => {
    const key = `cache-test:${randomUUID()}`;
    await client.set(key, 'v', 'EX', 60);
    relay.set('hold');
    const first = await timed(() => client.get(key)); // a logout's write, a drop's script: no short deadline
    expect(first.ms).toBeGreaterThanOrEqual(900);
    expect(breakerFor(client).open).toBe(true);

    const rest = [];
    for (let i = 0; i < 10; i++) rest.push(await timed(() => (i % 2 ? client.get(key) : client.eval('return 1', 0))));
    for (const { outcome, ms } of rest) {
      expect(outcome).toBeInstanceOf(RedisUnavailableError);
      expect(ms).toBeLessThan(50);
    }
    // A degrading caller on the same client is refused at once too.
    await expect(breakerFor(client).run(() => client.get(key))).rejects.toBeInstanceOf(RedisUnavailableError);

    relay.set('off');
    for (let i = 0; i < 50 && breakerFor(client).open; i++) await sleep(100);
    expect(breakerFor(client).open).toBe(false);
    expect(await client.get(key)).toBe('v');
  }, 20_000);
});
