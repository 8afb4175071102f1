import type { ServiceDefinition } from '@grpc/grpc-js';

export interface ServiceConfigOptions {
  /** The proto's full service name, e.g. `shop.cart.v1.Carts`. */
  service: string;
  definition: ServiceDefinition;
  /** Every call's deadline; retries happen inside it, never past it. */
  deadlineMs: number;
  /** Attempts of an idempotent call (1 = no retry); gRPC caps this at 5. */
  maxAttempts: number;
}

/**
 * A protobuf JSON duration with all nine fractional digits: grpc-js 1.14 reads the digits
 * after the point as nanoseconds as written, so "0.300s" would be a 300 ns deadline.
 */
export function duration(ms: number): string {
  const whole = Math.floor(ms / 1000);
  return `${whole}.${String(Math.round((ms - whole * 1000) * 1e6)).padStart(9, '0')}s`;
}

/** The idempotency levels that make a method safe to send twice (descriptor.proto). */
const RETRYABLE = new Set(['NO_SIDE_EFFECTS', 'IDEMPOTENT']);

/** Method names whose .proto marks them safe to retry (`option idempotency_level = ...`). */
export function idempotentMethods(definition: ServiceDefinition): string[] {
  return Object.entries(definition)
    .filter(([, m]) => RETRYABLE.has(String((m as { options?: { idempotency_level?: string } }).options?.idempotency_level)))
    .map(([name]) => name);
}

/**
 * The channel's gRPC service config: round robin over every address the target resolves to
 * (both replicas: a connection to each, calls spread over the ready ones, a replica that
 * refuses or sends GOAWAY is left out until it reconnects); a deadline on every method; and a
 * retry policy only on the methods the .proto marks idempotent, only for UNAVAILABLE (the
 * peer did not handle it, or said its own dependency was down), with a retry budget so a
 * dead service is not hit with three times the traffic.
 */
export function serviceConfig(o: ServiceConfigOptions): object {
  const timeout = duration(o.deadlineMs);
  const retryable = idempotentMethods(o.definition);
  const others = Object.keys(o.definition).filter((m) => !retryable.includes(m));
  const methodConfig: object[] = [];
  if (retryable.length > 0 && o.maxAttempts > 1) {
    methodConfig.push({
      name: retryable.map((method) => ({ service: o.service, method })),
      timeout,
      retryPolicy: { maxAttempts: Math.min(o.maxAttempts, 5), initialBackoff: '0.02s', maxBackoff: '0.2s', backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE'] },
    });
  } else others.push(...retryable);
  if (others.length > 0) methodConfig.push({ name: others.map((method) => ({ service: o.service, method })), timeout });
  return {
    loadBalancingConfig: [{ round_robin: {} }],
    methodConfig,
    // Retries stop while failures outnumber successes (tokens below half of 20): one sick
    // replica of two is retried around, a service that is down everywhere is not hammered.
    // (gRPC's example ratio 0.1 would stop retrying around one sick replica within calls.)
    retryThrottling: { maxTokens: 20, tokenRatio: 1 },
  };
}
