export { rpcClient, type RpcClient, type RpcClientOptions, type CallOptions } from './client.js';
export { startRpcServer, type RpcServer, type RpcServerOptions, type RpcApi, type RpcContext, type Handlers } from './server.js';
export { toStatus, fromStatus, grpcStatusOf, ERROR_CODE_KEY } from './errors.js';
export { serviceConfig, idempotentMethods, duration } from './service-config.js';
export { serviceDefinition } from './proto.js';
export { targetOf, portsOf } from './target.js';
export { checkHealth, type HealthStatus } from './health-client.js';
export { MAX_RECONNECT_BACKOFF_MS, STOP_LINGER_MS } from './reconnect.js';
