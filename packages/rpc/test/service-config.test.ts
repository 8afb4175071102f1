import { describe, expect, it } from '@jest/globals';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { EDGE_PORT, grpcTarget } from '@shop/config';
import { duration, idempotentMethods, portsOf, serviceConfig, serviceDefinition, targetOf } from '../src/index.js';

const method = (level: string) => ({ options: { idempotency_level: level } });
const definition = { Read: method('NO_SIDE_EFFECTS'), Ensure: method('IDEMPOTENT'), Place: method('IDEMPOTENCY_UNKNOWN') } as unknown as ServiceDefinition;

describe('the service config', () => {
  it('when a method is not marked idempotent in its .proto, then it gets a deadline and no retry policy', () => {
    const config = serviceConfig({ service: 'x.S', definition, deadlineMs: 1_500, maxAttempts: 3 }) as { methodConfig: Array<{ name: Array<{ method: string }>; timeout: string; retryPolicy?: { maxAttempts: number; retryableStatusCodes: string[] } }>; loadBalancingConfig: unknown };
    const retried = config.methodConfig.find((m) => m.retryPolicy);
    const plain = config.methodConfig.find((m) => !m.retryPolicy);
    expect(retried?.name.map((n) => n.method).sort()).toEqual(['Ensure', 'Read']);
    expect(retried?.retryPolicy).toMatchObject({ maxAttempts: 3, retryableStatusCodes: ['UNAVAILABLE'] });
    expect(plain?.name.map((n) => n.method)).toEqual(['Place']);
    for (const m of config.methodConfig) expect(m.timeout).toBe('1.500000000s');
    expect(config.loadBalancingConfig).toEqual([{ round_robin: {} }]);
  });

  it('when a deadline has a fraction of a second, then the duration spells all nine digits (grpc-js reads them as nanoseconds)', () => {
    expect(duration(300)).toBe('0.300000000s');
    expect(duration(2_000)).toBe('2.000000000s');
  });

  it('when the contracts .proto files are loaded, then both internal reads are marked idempotent there', () => {
    expect(idempotentMethods(serviceDefinition('cart'))).toEqual(['GetCart']);
    expect(idempotentMethods(serviceDefinition('inventory'))).toEqual(['GetAvailability']);
  });
});

describe('targets', () => {
  it('when given a list of IPv4 addresses, one name, or a target URI, then each becomes the gRPC target that resolves every replica', () => {
    expect(targetOf('127.0.0.1:4121,127.0.0.1:4122')).toBe('ipv4:127.0.0.1:4121,127.0.0.1:4122');
    expect(targetOf('cart:4121')).toBe('dns:///cart:4121');
    expect(targetOf('dns:///shop-dropshop-cart-grpc:4121')).toBe('dns:///shop-dropshop-cart-grpc:4121');
    expect(() => targetOf('cart:4121,cart-2:4121')).toThrow(/IPv4/);
    expect(() => targetOf('http://cart:4121')).toThrow(/host:port/);
    expect(portsOf('ipv4:127.0.0.1:4121,127.0.0.1:4122')).toEqual([4121, 4122]);
  });

  it('when a target names the public edge, then the config refuses it', () => {
    expect(grpcTarget.safeParse(`127.0.0.1:${EDGE_PORT}`).success).toBe(false);
    expect(grpcTarget.safeParse(`127.0.0.1:4121,127.0.0.1:${EDGE_PORT}`).success).toBe(false);
    expect(grpcTarget.safeParse(`dns:///kong:${EDGE_PORT}`).success).toBe(false);
    expect(grpcTarget.safeParse('127.0.0.1:4121,127.0.0.1:4122').success).toBe(true);
  });
});
