import { Histogram } from 'prom-client';

const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const labelNames = ['rpc_service', 'rpc_method', 'grpc_code'] as const;

/** One unary call as the server handled it (the status it answered with, by name). */
export const serverDuration = new Histogram({ name: 'rpc_server_duration_seconds', help: 'gRPC calls handled, by service, method and status', labelNames, buckets });

/** One unary call as the client saw it, retries included. */
export const clientDuration = new Histogram({ name: 'rpc_client_duration_seconds', help: 'gRPC calls made, by service, method and status (retries inside)', labelNames, buckets });
