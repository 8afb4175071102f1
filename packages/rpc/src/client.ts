import * as grpc from '@grpc/grpc-js';
import { PROTOS, type ProtoName, type RpcMethods } from '@shop/contracts';
import type { AppError } from '@shop/errors';
import { injectTrace, inSpan, SpanKind } from '@shop/telemetry';
import { fromStatus } from './errors.js';
import { clientDuration } from './metrics.js';
import { serviceDefinition } from './proto.js';
import { serviceConfig } from './service-config.js';
import { targetOf } from './target.js';
import { MAX_RECONNECT_BACKOFF_MS } from './reconnect.js';

export interface RpcClientOptions {
  /** A target URI or a host:port list (see targetOf). */
  target: string;
  /** Every call's deadline, retries included. */
  deadlineMs: number;
  /** Attempts of an idempotent call; default 3. */
  maxAttempts?: number;
  /** Named in the 503 a failed call becomes: "The cart service is unavailable". */
  what: string;
}

export interface CallOptions {
  /** The caller's `Authorization` value, forwarded as metadata. */
  authorization?: string;
}

type Method<N extends ProtoName> = keyof RpcMethods[N] & string;
type Req<N extends ProtoName, M extends Method<N>> = RpcMethods[N][M] extends { request: infer R } ? R : never;
type Res<N extends ProtoName, M extends Method<N>> = RpcMethods[N][M] extends { response: infer R } ? R : never;

export interface RpcClient<N extends ProtoName> {
  readonly target: string;
  /** One unary call; a failure is the AppError `fromStatus` makes (a refusal, or a fast 503). */
  call<M extends Method<N>>(method: M, request: Req<N, M>, options?: CallOptions): Promise<Res<N, M>>;
  close(): void;
}

type Unary = (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => grpc.ClientUnaryCall;

/**
 * The one way a service calls another (docs/decisions.md, "gRPC between services"): one
 * channel per peer service, round robin over its replicas, the service config of
 * service-config.ts, trace context in the metadata, and every failure mapped to the catalogue.
 */
export function rpcClient<N extends ProtoName>(api: N, options: RpcClientOptions): RpcClient<N> {
  const { service } = PROTOS[api];
  const definition = serviceDefinition(api);
  const target = targetOf(options.target);
  const Client = grpc.makeGenericClientConstructor(definition, service);
  const config = serviceConfig({ service, definition, deadlineMs: options.deadlineMs, maxAttempts: options.maxAttempts ?? 3 });
  const client = new Client(target, grpc.credentials.createInsecure(), {
    'grpc.service_config': JSON.stringify(config),
    'grpc.service_config_disable_resolution': 1,
    'grpc.enable_retries': 1,
    // A replica that went away is tried again soon, not after the default 120 s backoff cap.
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 5_000,
  }) as unknown as Record<string, Unary> & grpc.Client;

  function call<M extends Method<N>>(method: M, request: Req<N, M>, callOptions: CallOptions = {}): Promise<Res<N, M>> {
    const unary = client[method];
    if (typeof unary !== 'function') return Promise.reject(new Error(`${service} has no method ${method}`));
    const attributes = { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method, 'server.address': target };
    return inSpan(`${service}/${method}`, { kind: SpanKind.CLIENT, attributes }, (span) => {
      const metadata = new grpc.Metadata();
      if (callOptions.authorization) metadata.set('authorization', callOptions.authorization);
      for (const [k, v] of Object.entries(injectTrace({}))) if (typeof v === 'string') metadata.set(k, v);
      const end = clientDuration.startTimer({ rpc_service: service, rpc_method: method });
      return new Promise<Res<N, M>>((resolve, reject) => {
        unary.call(client, request, metadata, { deadline: Date.now() + options.deadlineMs }, (err, res) => {
          const code = err ? err.code : grpc.status.OK;
          end({ grpc_code: grpc.status[code] ?? String(code) });
          span.setAttribute('rpc.grpc.status_code', code);
          if (err) reject(fromStatus(err, options.what) satisfies AppError);
          else resolve(res as Res<N, M>);
        });
      });
    });
  }

  return { target, call, close: () => client.close() };
}
