import { Redis, Cluster } from 'ioredis';

export type RedisClient = Redis | Cluster;

export interface RedisConfig {
  url: string;
  /** `host:port,redis://host:port,...`: when set, talk to a Redis Cluster instead of one node. */
  nodes?: string;
  keyPrefix?: string;
}

const CONNECT_TIMEOUT_MS = 2_000;
const COMMAND_TIMEOUT_MS = 1_000;

/**
 * One client per process. Commands fail fast when Redis is away (no offline queue
 * growing without bound), so callers can degrade instead of hanging.
 *
 * "Fail fast" must not mean "fail the first commands": with `enableOfflineQueue: false`
 * from the start, everything sent before the connection is ready (the first requests
 * after boot; on a Cluster, everything until the slot map is loaded) is rejected. So
 * the queue is on while the client connects for the first time or is ready, and off
 * (whatever waits in it rejected) from the moment the connection is lost, or the first
 * connect fails or outlasts the connect timeout. No caller needs to await 'ready'.
 */
export function createRedis(config: RedisConfig): RedisClient {
  const common = {
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // On quit/disconnect, how long a socket that never answers may keep the process alive.
    disconnectTimeout: 500,
    keyPrefix: config.keyPrefix,
  };
  if (config.nodes) {
    const startupNodes = parseRedisNodes(config.nodes);
    // Node connections keep ioredis' cluster default (offline queue on), bounded by
    // commandTimeout; the cluster-level queue is the one switched below.
    const cluster = new Cluster(startupNodes, {
      enableOfflineQueue: true,
      redisOptions: common,
      clusterRetryStrategy: () => 500,
      // A CLUSTERDOWN/TRYAGAIN answer is retried briefly, not 16 times over 1.6 s.
      maxRedirections: 6,
    });
    return queueOnlyWhileUsable(cluster, 'Redis Cluster is not reachable');
  }
  const redis = new Redis(config.url, {
    ...common,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  return queueOnlyWhileUsable(redis, 'Redis is not reachable');
}

/**
 * A Redis Cluster's seed list, `host:port` and `redis://host:port` alike, comma-separated
 * (the first is what compose and Helm values are written in, the second what most
 * managed Redis offerings print).
 */
export function parseRedisNodes(nodes: string): Array<{ host: string; port: number }> {
  return nodes
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
    .map((n) => {
      const url = new URL(n.includes('://') ? n : `redis://${n}`);
      if (url.protocol !== 'redis:' || !url.hostname || !url.port) throw new Error(`REDIS_NODES: expected host:port or redis://host:port, got ${n}`);
      return { host: url.hostname, port: Number(url.port) };
    });
}

type Flushable = { flushQueue(error: Error, options?: { offlineQueue?: boolean; commandQueue?: boolean }): void };

function queueOnlyWhileUsable<C extends RedisClient>(client: C, message: string): C {
  const setQueue = (on: boolean) => {
    client.options.enableOfflineQueue = on;
    // flushQueue is private in the typings but stable across ioredis 4 and 5.
    if (!on) (client as unknown as Flushable).flushQueue(new Error(message), { offlineQueue: true, commandQueue: false });
  };
  const firstConnect = setTimeout(() => {
    if (client.status !== 'ready') setQueue(false);
  }, CONNECT_TIMEOUT_MS);
  firstConnect.unref();
  client.on('ready', () => {
    clearTimeout(firstConnect);
    setQueue(true);
  });
  for (const lost of ['close', 'reconnecting', 'end']) {
    client.on(lost, () => {
      clearTimeout(firstConnect);
      setQueue(false);
    });
  }
  return client;
}

/**
 * For callers that can do without Redis (the cache): once a command has failed, they
 * stop sending until Redis answers a PING again, probed in the background. A Redis that
 * hangs (the connection open, nothing coming back) then costs one command timeout per
 * process, not one per request. One breaker per client, shared by every cache on it.
 */
export interface RedisBreaker {
  /** True while callers should not wait on Redis. */
  readonly open: boolean;
  /** A command failed: open, and probe until Redis answers. */
  trip(): void;
}

const PROBE_EVERY_MS = 500;
const breakers = new WeakMap<RedisClient, RedisBreaker>();

export function breakerFor(client: RedisClient): RedisBreaker {
  let breaker = breakers.get(client);
  if (!breaker) {
    breaker = createBreaker(client);
    breakers.set(client, breaker);
  }
  return breaker;
}

function createBreaker(client: RedisClient): RedisBreaker {
  let open = false;
  const probe = () => {
    const timer = setTimeout(() => {
      if (client.status === 'end') return; // the client was closed: nothing to come back to
      client.ping().then(
        () => {
          open = false;
        },
        probe,
      );
    }, PROBE_EVERY_MS);
    timer.unref();
  };
  return {
    get open() {
      return open;
    },
    trip() {
      if (open) return;
      open = true;
      probe();
    },
  };
}
