import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import type { RedisClient, RedisConfig } from '../src/index.js';
import { closeAll, connect, masters, topologies, unreachable } from './topologies.js';

describe.each(topologies)('createRedis against %s', (_name, makeConfig) => {
  let config: RedisConfig;
  const clients: RedisClient[] = [];
  const client = (c: RedisConfig) => (clients.push(connect(c)), clients[clients.length - 1]);

  beforeAll(async () => {
    config = await makeConfig();
  });
  afterAll(() => closeAll(clients));

  it('when commands are sent right after creation, then they wait for the connection instead of failing', async () => {
    const redis = client(config);
    const key = `redis-test:${randomUUID()}`;
    await expect(redis.set(key, 'v', 'EX', 60)).resolves.toBe('OK');
    await expect(redis.get(key)).resolves.toBe('v');
  });

  it('when many commands arrive together on a fresh client, then every one succeeds', async () => {
    const redis = client(config);
    const keys = Array.from({ length: 60 }, (_, i) => `redis-test:${randomUUID()}:${i}`);
    await Promise.all(keys.map((k) => redis.set(k, k, 'EX', 60)));
    await expect(Promise.all(keys.map((k) => redis.get(k)))).resolves.toEqual(keys);
  });

  it('when nodes are given, then the client is a Cluster that spreads keys over every master', async () => {
    const redis = client(config);
    await redis.ping();
    expect(redis instanceof Cluster).toBe(Boolean(config.nodes));
    if (!config.nodes) return;
    const tag = randomUUID();
    const keys = Array.from({ length: 30 }, (_, i) => `redis-test:${tag}:${i}`);
    await Promise.all(keys.map((k) => redis.set(k, '1', 'EX', 60)));
    const perNode = await Promise.all(masters(redis).map((n) => n.keys(`redis-test:${tag}:*`)));
    expect(perNode).toHaveLength(3);
    for (const found of perNode) expect(found.length).toBeGreaterThan(0);
  });

  it('when Redis is unreachable, then commands fail at once, at start and later', async () => {
    const redis = client(await unreachable(config));
    for (const pause of [0, 300]) {
      await new Promise((r) => setTimeout(r, pause));
      const started = Date.now();
      await expect(redis.get('anything')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1_500);
    }
  });
});
