import { createAuth, type Auth, type AuthOptions } from '@shop/auth';
import { createRedis, type RedisClient } from '@shop/cache';
import type { ServiceEnv } from '@shop/config';
import { createDb, pingDb, type Db, type DbOptions } from '@shop/db';
import { startServer, type Express, type RunningServer } from '@shop/http';
import { createLogger, type Logger } from '@shop/logger';
import {
  Broker,
  createUnitOfWork,
  startOutboxRelay,
  type BrokerOptions,
  type OutboxRelay,
  type OutboxRelayOptions,
  type Subscription,
  type UnitOfWork,
} from '@shop/messaging';
import { startRpcServer, STOP_LINGER_MS, type RpcApi } from '@shop/rpc';

export type Closer = () => Promise<unknown>;

/** The shared clients every service gets, built in the one order: config → logger → db → redis → broker → auth → relay. */
export interface Platform<C extends ServiceEnv = ServiceEnv, O extends boolean = boolean> {
  config: C;
  /** `source` of the events this process writes, and its logger's name. */
  source: string;
  logger: Logger;
  db: Db;
  redis: RedisClient;
  broker: Broker;
  auth: Auth;
  /** The outbox relay, for a service that writes events (`outbox: true`). */
  relay: O extends true ? OutboxRelay : undefined;
  /** Rows and their events in one transaction; kicks the relay after each commit. */
  uow: UnitOfWork;
}

/** What a service adds: its app, and what must stop before the clients close. */
export interface Parts {
  app: Express;
  consumers?: Subscription[];
  jobs?: Array<{ stop(): Promise<unknown> }>;
  /** The service's own clients (a mailer), closed after its jobs and before the broker. */
  closers?: Closer[];
  /** The internal gRPC APIs it serves (cart, inventory), started by runService on their own port. */
  rpc?: RpcParts;
}

export interface RpcParts {
  host: string;
  port: number;
  apis: RpcApi[];
  /** grpc.health.v1 says SERVING while these pass (the service's readiness checks). */
  checks?: Record<string, () => unknown>;
}

/** What tests and scripts may change about the shared clients; a service's options extend it. */
export interface PlatformOverrides {
  logger?: Logger;
  db?: DbOptions;
  broker?: Pick<BrokerOptions, 'publishTimeoutMs' | 'reconnect'>;
  relay?: Pick<OutboxRelayOptions, 'intervalMs' | 'batchSize'>;
}

export interface ServiceSpec<C extends ServiceEnv, O extends boolean, P extends Parts> {
  config: C;
  /** Start an outbox relay: the service writes events. */
  outbox: O;
  db?: DbOptions;
  auth?: Pick<AuthOptions, 'jwksTimeoutMs'>;
  overrides?: PlatformOverrides;
  /** The service's own wiring: consumers, jobs, use cases and the app, from the shared clients. */
  wire(platform: Platform<C, O>): P;
}

export type Service<C extends ServiceEnv, O extends boolean, P extends Parts> = Platform<C, O> &
  P & {
    consumers: Subscription[];
    jobs: Array<{ stop(): Promise<unknown> }>;
    /** Graceful shutdown, in order: consumers, jobs, relay, own clients, broker, db, redis. */
    closers: Closer[];
  };

/**
 * The one composition root every service builds itself with (main.ts through runService, the
 * component tests through the service's buildService). Nothing here waits for a dependency:
 * the broker reconnects in the background and the outbox holds events until it is back.
 */
export function composeService<C extends ServiceEnv, O extends boolean, P extends Parts>(spec: ServiceSpec<C, O, P>): Service<C, O, P> {
  const { config, overrides = {} } = spec;
  const source = config.INSTANCE_ID ?? config.SERVICE_NAME;
  const logger = overrides.logger ?? createLogger(source, config.LOG_LEVEL);
  const db = createDb(config.DATABASE_URL, { poolMax: config.DATABASE_POOL_MAX, logger, ...spec.db, ...overrides.db });
  const redis = createRedis({ url: config.REDIS_URL, nodes: config.REDIS_NODES });
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis error'));
  const broker = Broker.connect({ url: config.AMQP_URL, logger, serviceName: source, ...overrides.broker });
  const auth = createAuth({ keycloakUrl: config.KEYCLOAK_URL, issuerUrl: config.KEYCLOAK_ISSUER_URL, realm: config.KEYCLOAK_REALM, audience: config.JWT_AUDIENCE, redis, logger, ...spec.auth });
  const relay = spec.outbox ? startOutboxRelay({ db, broker, logger, ...overrides.relay }) : undefined;
  const uow = createUnitOfWork({ db, source, relay });
  const platform = { config, source, logger, db, redis, broker, auth, relay, uow } as Platform<C, O>;

  const parts = spec.wire(platform);
  const consumers = parts.consumers ?? [];
  const jobs = parts.jobs ?? [];
  // Stop taking work, let the work in hand commit, publish what it wrote, then close the clients.
  const closers: Closer[] = [
    () => Promise.all(consumers.map((s) => s.cancel())),
    () => Promise.all(jobs.map((j) => j.stop())),
    ...(relay ? [() => relay.stop()] : []),
    ...(parts.closers ?? []),
    () => broker.close(),
    () => db.destroy(),
    () => closeRedis(redis),
  ];
  return { ...platform, ...parts, consumers, jobs, closers };
}

/**
 * main.ts: listen on config.PORT; on SIGTERM stop taking requests, let those in flight
 * finish, then run the closers in order.
 */
export async function runService(service: Pick<Service<ServiceEnv, boolean, Parts>, 'app' | 'config' | 'logger' | 'db' | 'redis' | 'closers' | 'rpc'>): Promise<RunningServer> {
  const { logger } = service;
  await pingDb(service.db).catch((err: Error) => logger.warn({ err: err.message }, 'database not reachable yet'));
  // Give Redis a moment before taking traffic: a write whose cache-version bump is lost
  // (client not yet connected) could leave other replicas serving a stale entry until its TTL.
  await redisReady(service.redis, 3_000);
  // The gRPC server first, so "ready" below means both ports answer; on shutdown it stops
  // first (NOT_SERVING, GOAWAY, calls in flight finish) while the clients behind it still work.
  const rpc = service.rpc ? await startRpcServer({ ...service.rpc, logger }) : undefined;
  // On a stop signal the gRPC server goes while HTTP drains (DRAIN_MS), after STOP_LINGER_MS
  // (2.7 s): every client has by then reconnected to a twin that came back just before (a
  // rolling reload), and only then does this one refuse new connections and send GOAWAY, so the
  // clients' round robin moves to the twin during the drain instead of finding the port closed
  // after it, or finding no replica at all; the calls in flight still finish.
  if (rpc) for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void rpc.close(5_000, STOP_LINGER_MS));
  const closers = rpc ? [() => rpc.close(), ...service.closers] : service.closers;
  const running = await startServer(service.app, service.config.PORT, logger, closers);
  // pm2 (wait_ready in ecosystem.config.cjs) starts the next replica of a reload only after this.
  process.send?.('ready');
  return running;
}

function redisReady(redis: RedisClient, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve) => {
    redis.once('ready', () => resolve());
    setTimeout(resolve, timeoutMs).unref();
  });
}

/** QUIT lets pending replies arrive; a Redis that does not answer is dropped after a second. */
async function closeRedis(redis: RedisClient): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 1_000)));
  try {
    if ((await Promise.race([redis.quit(), late])) === 'late') redis.disconnect();
  } catch {
    redis.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
