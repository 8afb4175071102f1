import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

export type HealthStatus = 'SERVING' | 'NOT_SERVING' | 'UNKNOWN' | 'SERVICE_UNKNOWN' | 'UNREACHABLE';

const HealthClient = grpc.makeGenericClientConstructor(healthService, 'grpc.health.v1.Health');

/**
 * grpc.health.v1 Check against one address (`host:port`): what scripts/up.sh waits for, and
 * what the tests ask. `service` '' is the whole server.
 */
export function checkHealth(address: string, service = '', timeoutMs = 1_000): Promise<HealthStatus> {
  const client = new HealthClient(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    check(req: { service: string }, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
  };
  return new Promise<HealthStatus>((resolve) => {
    client.check({ service }, { deadline: Date.now() + timeoutMs }, (err, res) => {
      client.close();
      if (err?.code === grpc.status.NOT_FOUND) resolve('SERVICE_UNKNOWN');
      else if (err) resolve('UNREACHABLE');
      else resolve((res?.status as HealthStatus) ?? 'UNKNOWN');
    });
  });
}
