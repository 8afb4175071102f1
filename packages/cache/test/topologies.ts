import { createServer } from 'node:net';
import { Cluster } from 'ioredis';
import { testEnv, ensureRedisCluster } from '@shop/testing';
import { createRedis, type RedisClient, type RedisConfig } from '../src/index.js';

export type Topology = [name: string, config: () => Promise<RedisConfig>];

/** The same suites run against one node (test database 1) and the local Redis Cluster. */
export const topologies: Topology[] = [
  ['a single node', async () => ({ url: testEnv('cache').REDIS_URL })],
  ['a Redis Cluster', async () => ({ url: '', nodes: await ensureRedisCluster() })],
];

/** Ports nothing listens on, for clients that must find Redis unreachable. */
export async function closedPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    ports.push((server.address() as { port: number }).port);
    await new Promise((r) => server.close(r));
  }
  return ports;
}

/** A config of the same topology whose every address refuses connections. */
export async function unreachable(config: RedisConfig): Promise<RedisConfig> {
  const ports = await closedPorts(config.nodes ? 3 : 1);
  return config.nodes
    ? { url: '', nodes: ports.map((p) => `127.0.0.1:${p}`).join(',') }
    : { url: `redis://127.0.0.1:${ports[0]}/1` };
}

/** Every master of a cluster, or the one node. */
export function masters(redis: RedisClient): RedisClient[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

export async function closeAll(clients: RedisClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
}

export const connect = (config: RedisConfig): RedisClient => {
  const client = createRedis(config);
  client.on('error', () => undefined); // unreachable on purpose in some tests; each test asserts what it needs
  return client;
};
