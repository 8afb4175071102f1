import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import type { z } from 'zod';
import { EDGE_PORT } from '@shop/config';
import { cartEnv } from '../../services/cart/src/config.js';
import { emailEnv } from '../../services/email/src/config.js';
import { inventoryEnv } from '../../services/inventory/src/config.js';
import { orderEnv } from '../../services/order/src/config.js';
import { productEnv } from '../../services/product/src/config.js';
import { userEnv } from '../../services/user/src/config.js';

/**
 * No service calls another through the public edge (DESIGN.md, "Internal calls"; docs/decisions.md,
 * "gRPC between services"). Every address an internal client is given (each service's config
 * defaults, the native stack's process file, compose, the Helm chart) is checked for the edge's
 * port and Kong's name, and every outbound HTTP client in the services' code is one this file
 * knows and says why it is there.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const eco = createRequire(import.meta.url)('../../ecosystem.config.cjs') as { apps: Array<{ name: string; env?: Record<string, string> }> };

/** The variables that name a peer service (not Postgres, Redis, RabbitMQ, Keycloak, SMTP or tracing). */
const PEER_VARIABLE = /^(?:\w+_GRPC_TARGET|GRAPHQL_\w+_URLS)$/;
const INFRASTRUCTURE = new Set(['DATABASE_URL', 'REDIS_URL', 'REDIS_NODES', 'AMQP_URL', 'KEYCLOAK_URL', 'SMTP_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT']);

/** Every address in a value ("http://h:p", "h:p", "dns:///h:p", "ipv4:a:p,b:p"), as host and port. */
function addresses(value: string): Array<{ host: string; port: number }> {
  return value
    .replace(/^(ipv4|ipv6|dns):(\/\/\/)?/, '')
    .split(',')
    .map((part) => part.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0])
    .map((hostPort) => ({ host: hostPort.slice(0, hostPort.lastIndexOf(':')), port: Number(hostPort.slice(hostPort.lastIndexOf(':') + 1)) }))
    .filter((a) => a.host && Number.isInteger(a.port));
}

/** "VAR=value" for every peer address that is the edge (its port, or Kong by name). */
function edgeTargets(env: Record<string, unknown>, label: string): string[] {
  const hits: string[] = [];
  for (const [key, raw] of Object.entries(env)) {
    if (INFRASTRUCTURE.has(key) || raw === undefined || raw === null) continue;
    const value = Array.isArray(raw) ? raw.join(',') : String(raw);
    for (const a of addresses(value)) if (a.port === EDGE_PORT || /^kong\b/.test(a.host)) hits.push(`${label}: ${key}=${value}`);
  }
  return hits;
}

const schemas: Record<string, z.ZodObject> = { user: userEnv, product: productEnv, cart: cartEnv, order: orderEnv, inventory: inventoryEnv, email: emailEnv };
const defaults = (schema: z.ZodObject) => schema.parse({ DATABASE_URL: 'postgres://x@db.invalid/none' }) as Record<string, unknown>;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') ? [relative(ROOT, path)] : [];
  });
}

/**
 * The services' outbound HTTP clients, each with the reason it is not gRPC. A new one fails
 * this test until it is either a gRPC client (@shop/rpc) or listed here with its reason.
 */
const HTTP_CLIENTS: Record<string, string> = {
  'services/product/src/graphql/rest.ts': 'the GraphQL gateway: an edge client by design, it calls the public REST APIs with the caller\'s token (replicas directly, never :8000)',
  'services/user/src/identity/keycloak.identity.ts': 'Keycloak\'s token endpoint: infrastructure, not a service',
};
// A value import of node:http(s) may make requests; `import type` (a server's request and
// response types, as the lean lanes use) cannot.
const HTTP_CLIENT = /\bfetch\(|\bundici\b|^import (?!type )[^;]*from 'node:https?'|\baxios\b|\bgot\(/m;

describe('internal calls never go through the public edge', () => {
  it.each(Object.keys(schemas))('when the %s service starts with its defaults, then no peer address it has is the edge', (name) => {
    const env = defaults(schemas[name]);
    expect(edgeTargets(env, name)).toEqual([]);
  });

  it('when the native stack starts the replicas, then every peer address in their environment is a replica port, never :8000', () => {
    const hits: string[] = [];
    let peers = 0;
    for (const app of eco.apps) {
      for (const [key, value] of Object.entries(app.env ?? {})) {
        if (!PEER_VARIABLE.test(key)) continue;
        peers++;
        for (const a of addresses(value)) if (a.host !== '127.0.0.1' || a.port === EDGE_PORT || a.port < 4001 || a.port > 4199) hits.push(`${app.name}: ${key}=${value}`);
      }
    }
    expect(peers).toBeGreaterThanOrEqual(4);
    expect(hits).toEqual([]);
  });

  it('when the order service runs natively, then it calls cart and inventory over gRPC on every replica\'s gRPC port', () => {
    const order = eco.apps.find((a) => a.name === 'order-1')!.env!;
    const grpcPorts = (svc: string) => eco.apps.filter((a) => a.name.startsWith(`${svc}-`)).map((a) => Number(a.env!.GRPC_PORT));
    expect(addresses(order.CART_GRPC_TARGET).map((a) => a.port)).toEqual(grpcPorts('cart'));
    expect(addresses(order.INVENTORY_GRPC_TARGET).map((a) => a.port)).toEqual(grpcPorts('inventory'));
  });

  it('when compose and the Helm chart give the services their peers, then none of them is Kong or the edge port', () => {
    const compose = parse(read('docker-compose.yml')) as Record<string, Record<string, unknown>>;
    expect(edgeTargets(compose['x-common-env'], 'docker-compose.yml')).toEqual([]);
    expect(compose['x-common-env']).toMatchObject({ CART_GRPC_TARGET: 'cart:4121', INVENTORY_GRPC_TARGET: 'inventory:4141' });
    const helm = read('deploy/helm/dropshop/templates/configmap.yaml');
    const peerLines = helm.split('\n').filter((l) => /^\s+(\w+_GRPC_TARGET|GRAPHQL_\w+_URLS):/.test(l));
    expect(peerLines.length).toBeGreaterThanOrEqual(6);
    for (const line of peerLines) expect(line).not.toMatch(/kong|8000|Values\.kong/);
  });

  it('when a peer address names the edge, then the check finds it (the check can fail)', () => {
    expect(edgeTargets({ CART_GRPC_TARGET: `127.0.0.1:4121,127.0.0.1:${EDGE_PORT}` }, 'x')).toHaveLength(1);
    expect(edgeTargets({ GRAPHQL_CART_URLS: 'http://kong:8000' }, 'x')).toHaveLength(1);
    expect(edgeTargets({ KEYCLOAK_URL: 'http://127.0.0.1:8000' }, 'x')).toEqual([]);
  });

  it('when the order service is given the edge as a peer, then it refuses to start', () => {
    const env = { DATABASE_URL: 'postgres://x@db.invalid/none' };
    expect(orderEnv.safeParse({ ...env, CART_GRPC_TARGET: `127.0.0.1:${EDGE_PORT}` }).success).toBe(false);
    expect(orderEnv.safeParse({ ...env, INVENTORY_GRPC_TARGET: `dns:///edge.internal:${EDGE_PORT}` }).success).toBe(false);
  });

  it('when a service\'s code makes an outbound HTTP call, then it is one of the listed edge or infrastructure clients (peers are gRPC)', () => {
    const found = sources(join(ROOT, 'services')).filter((f) => f.includes('/src/') && HTTP_CLIENT.test(read(f)));
    expect(found.sort()).toEqual(Object.keys(HTTP_CLIENTS).sort());
    for (const f of sources(join(ROOT, 'services')).filter((p) => p.includes('/src/'))) expect({ f, edge: /(localhost|127\.0\.0\.1):8000\b/.test(read(f)) }).toEqual({ f, edge: false });
  });
});
