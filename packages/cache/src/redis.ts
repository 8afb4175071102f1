import { Redis, Cluster } from 'ioredis';
import { refuseWhileAway } from './breaker.js';

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
 * connect fails or outlasts the connect timeout. No caller needs to await 'ready'. The
 * commands in flight on a connection that is lost fail with it at once.
 */
export function createRedis(config: RedisConfig): RedisClient {
  const common = {
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // On quit/disconnect, how long a socket that never answers may keep the process alive.
    disconnectTimeout: 500,
    // Commands in flight on a lost connection fail (below) instead of being sent again on the
    // next one, where they would run a second time although their caller may have given up on
    // them (a gate take, a rate-limit count): the callers decide what a failure means.
    autoResendUnfulfilledCommands: false,
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
    return refuseWhileAway(recycleWhenUnanswered(queueOnlyWhileUsable(cluster, 'Redis Cluster is not reachable')));
  }
  const redis = new Redis(config.url, {
    ...common,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  return refuseWhileAway(recycleWhenUnanswered(queueOnlyWhileUsable(redis, 'Redis is not reachable')));
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
  /** `inFlight`: the connection is gone, so what was sent on it fails too. */
  const setQueue = (on: boolean, inFlight = false) => {
    client.options.enableOfflineQueue = on;
    // flushQueue is private in the typings but stable across ioredis 4 and 5.
    if (!on) (client as unknown as Flushable).flushQueue(new Error(message), { offlineQueue: true, commandQueue: inFlight });
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
      setQueue(false, true);
    });
  }
  return client;
}

type CommandLike = { promise: Promise<unknown> };
type Sender = { sendCommand(command: CommandLike, ...rest: unknown[]): unknown };

/**
 * A command that got no answer within the command timeout makes its connection unfit for use:
 * ioredis rejects the command but keeps it in the queue that replies are matched to in order,
 * so when its reply never comes (a link that drops data, as toxiproxy's timeout toxic does in
 * fault R10) every later reply is handed to the command before it: a GET answers with another
 * key's value, a script with another command's result. Such a connection is closed and made
 * again (whatever else waits on it fails, as on any lost connection). The same holds for the
 * ready check a new connection sends: an unanswered one is retried on a fresh connection
 * instead of leaving the client connected and never ready.
 */
function recycleWhenUnanswered<C extends RedisClient>(client: C): C {
  const sender = client as unknown as Sender;
  const send = sender.sendCommand.bind(client);
  sender.sendCommand = (command, ...rest) => {
    const sent = send(command, ...rest);
    command.promise?.catch((err: Error) => {
      if (err?.message !== 'Command timed out') return;
      // Only the connection the command went out on, once: after the first recycle the status
      // is no longer ready/connect, and the other unanswered commands go with the old socket.
      if (client.status === 'ready' || client.status === 'connect') client.disconnect(true);
    });
    return sent;
  };
  return client;
}
