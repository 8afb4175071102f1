import * as grpc from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { PROTOS, type ProtoName, type RpcMethods } from '@shop/contracts';
import type { Logger } from '@shop/logger';
import { extractTrace, inSpan, SpanKind } from '@shop/telemetry';
import { toStatus } from './errors.js';
import { serverDuration } from './metrics.js';
import { serviceDefinition } from './proto.js';

/** What a handler knows about its call besides the request. */
export interface RpcContext {
  /** The `authorization` metadata the caller forwarded, if any. */
  authorization?: string;
}

export type Handlers<N extends ProtoName> = {
  [M in keyof RpcMethods[N]]: RpcMethods[N][M] extends { request: infer Q; response: infer R } ? (request: Q, ctx: RpcContext) => Promise<R> : never;
};

/** One API a service serves: its name in @shop/contracts and a handler per method (a union by `api`). */
export type RpcApi<N extends ProtoName = ProtoName> = N extends ProtoName ? { api: N; handlers: Handlers<N> } : never;

export interface RpcServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  logger: Logger;
  apis: RpcApi[];
  /**
   * The service's readiness checks (the same as /health/ready): grpc.health.v1 says SERVING
   * only while they pass, checked every `healthEveryMs`.
   */
  checks?: Record<string, () => unknown>;
  healthEveryMs?: number;
}

export interface RpcServer {
  readonly port: number;
  /**
   * Marks every API NOT_SERVING, keeps serving for `lingerMs` (0 by default; runService passes
   * STOP_LINGER_MS on a stop signal), then refuses new connections, sends GOAWAY, lets calls in
   * flight finish (up to `graceMs`) and stops. Once: a second call waits for the first's end.
   */
  close(graceMs?: number, lingerMs?: number): Promise<void>;
}

/** Wraps a promise handler: trace context from the metadata, a server span, the duration, errors as statuses. */
function unary(service: string, method: string, handler: (req: unknown, ctx: RpcContext) => Promise<unknown>, logger: Logger): grpc.handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    const md = call.metadata.getMap();
    const authorization = typeof md.authorization === 'string' ? md.authorization : undefined;
    const end = serverDuration.startTimer({ rpc_service: service, rpc_method: method });
    const attributes = { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method };
    inSpan(`${service}/${method}`, { kind: SpanKind.SERVER, attributes, parent: extractTrace(md) }, () => handler(call.request, { authorization })).then(
      (res) => {
        end({ grpc_code: 'OK' });
        callback(null, res);
      },
      (err: unknown) => {
        const st = toStatus(err);
        end({ grpc_code: grpc.status[st.code ?? grpc.status.UNKNOWN] });
        if (st.code === grpc.status.INTERNAL) logger.error({ err, method: `${service}/${method}` }, 'rpc handler failed');
        callback(st, null);
      },
    );
  };
}

/**
 * The gRPC server of one replica: the service's APIs and the standard grpc.health.v1 service
 * (per API and '' for the whole server), on its own port beside the HTTP one.
 */
export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const { logger } = options;
  const server = new grpc.Server({ 'grpc.keepalive_permit_without_calls': 1, 'grpc.max_receive_message_length': 1024 * 1024 });
  const names = options.apis.map((a) => PROTOS[a.api].service);
  const health = new HealthImplementation(Object.fromEntries(['', ...names].map((n) => [n, 'NOT_SERVING' as ServingStatus])));
  health.addToServer(server);
  for (const { api, handlers } of options.apis) {
    const service = PROTOS[api].service;
    const impl: grpc.UntypedServiceImplementation = {};
    for (const [method, handler] of Object.entries(handlers as Record<string, (req: unknown, ctx: RpcContext) => Promise<unknown>>)) {
      impl[method] = unary(service, method, handler, logger);
    }
    server.addService(serviceDefinition(api), impl);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );

  let closing = false;
  const setAll = (s: ServingStatus) => ['', ...names].forEach((n) => health.setStatus(n, s));
  const check = async () => {
    if (closing) return;
    const results = await Promise.allSettled(Object.values(options.checks ?? {}).map(async (c) => c()));
    const failed = results.filter((r) => r.status === 'rejected');
    if (!closing) setAll(failed.length === 0 ? 'SERVING' : 'NOT_SERVING');
  };
  await check();
  const timer = setInterval(() => void check(), options.healthEveryMs ?? 5_000);
  timer.unref();
  logger.info({ port, apis: names }, 'gRPC listening');

  let closed: Promise<void> | undefined;
  return {
    port,
    // Once: the signal handler starts it, the closers wait for the same promise.
    close(graceMs = 5_000, lingerMs = 0) {
      closed ??= (async () => {
        closing = true;
        clearInterval(timer);
        setAll('NOT_SERVING');
        if (lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, lingerMs));
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => (server.forceShutdown(), resolve()), graceMs);
          force.unref();
          server.tryShutdown(() => (clearTimeout(force), resolve()));
        });
      })();
      return closed;
    },
  };
}
