import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createServer, connect as tcp, type Server, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@shop/logger';
import { testEnv } from '@shop/testing';
import { Cache, breakerFor, type RedisClient } from '../src/index.js';
import { closeAll, connect } from './topologies.js';

const logger = createLogger('cache-test', 'silent');
const options = { ttlSeconds: 60 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A TCP relay in front of the test Redis that can go silent: while hung it keeps every
 * connection open and holds back everything sent either way until it is released, as a
 * Redis stuck in a long command does (and toxiproxy's timeout toxic, as in fault R10).
 */
async function hangableRelay(target: URL): Promise<{ port: number; hang(on: boolean): void; close(): Promise<void> }> {
  let hung = false;
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcp(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    const relay = (to: Socket) => (d: Buffer) => (hung ? held.push(() => to.write(d)) : to.write(d));
    client.on('data', relay(upstream));
    upstream.on('data', relay(client));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    hang: (on) => {
      hung = on;
      if (!on) for (const release of held.splice(0)) release();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('Cache when Redis hangs', () => {
  let relay: Awaited<ReturnType<typeof hangableRelay>>;
  let client: RedisClient;

  beforeAll(async () => {
    const url = new URL(testEnv('cache').REDIS_URL);
    relay = await hangableRelay(url);
    client = connect({ url: `redis://127.0.0.1:${relay.port}${url.pathname}` });
    await client.ping();
  });
  afterAll(async () => {
    relay.hang(false);
    await closeAll([client]);
    await relay.close();
  });

  it('when Redis stops answering, then only the first read waits for it (150 ms, not the 1 s command timeout), the rest come from the loader at once, and the cache is used again once Redis answers', async () => {
    const prefix = `cache-test:${randomUUID()}`;
    const listing = new Cache(client, logger, prefix);
    const detail = new Cache(client, logger, prefix); // a second cache on the same client shares the breaker
    let loads = 0;
    const load = async () => ++loads;
    await listing.getOrLoad('k', options, load); // stored while Redis answers
    expect(await listing.getOrLoad('k', options, load)).toEqual({ value: 1, hit: true });

    relay.hang(true);
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

    relay.hang(false);
    for (let i = 0; i < 40 && breakerFor(client).open; i++) await sleep(100);
    expect(breakerFor(client).open).toBe(false);
    const before = loads;
    await listing.getOrLoad('again', options, load);
    expect(await listing.getOrLoad('again', options, load)).toEqual({ value: before + 1, hit: true });
  }, 20_000);
});
