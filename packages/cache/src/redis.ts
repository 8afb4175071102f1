import { Redis, Cluster } from 'ioredis';

export type RedisClient = Redis | Cluster;

export interface RedisConfig {
  url: string;
  /** `host:port,host:port`: when set, talk to a Redis Cluster instead of one node. */
  nodes?: string;
  keyPrefix?: string;
}

/**
 * One client per process. Commands fail fast when Redis is away (no offline queue
 * growing without bound), so callers can degrade instead of hanging.
 */
export function createRedis(config: RedisConfig): RedisClient {
  const common = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    keyPrefix: config.keyPrefix,
  };
  if (config.nodes) {
    const startupNodes = config.nodes.split(',').map((hostPort) => {
      const [host, port] = hostPort.split(':');
      return { host, port: Number(port) };
    });
    return new Cluster(startupNodes, { enableOfflineQueue: false, redisOptions: common, clusterRetryStrategy: () => 500 });
  }
  return new Redis(config.url, { ...common, retryStrategy: (times) => Math.min(times * 200, 2_000) });
}
