import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EDGE_READ_TIMEOUT_MS, HELD_WAIT_MAX_MS } from '@shop/http';
import { orderEnv } from '../../services/order/src/config.js';
import { replicaPorts } from '../stack.js';
import { DECK, KONG_YML, RENDERED_EDGE, ROOT, kongFile, kongRoutes, nginxApiLocations, nginxDirectives, nginxLocationPasses, nginxUpstreamLines, nginxLocations, nginxServers, nginxUpstreams, render, run } from './edge-files.js';

const STOREFRONT = 'storefront';
const API_DOCS = '/api-docs';

const hasDeck = existsSync(DECK);
// Skipped only when deck is not built yet (scripts/up.sh builds it into .run/tools/bin).
const itWithDeck = hasDeck ? it : it.skip;


/** The held drop poll (docs/drops.md) and the upstream both edges send it to. */
const HELD_POLL = '^/api/drops/[^/]+/queue/me/wait$';
const HELD_UPSTREAM = 'order_held';

/** First replica's port per service (docs/conventions.md). */
const SERVICE_PORTS: Record<string, number> = { user: 4001, product: 4011, cart: 4021, order: 4031, inventory: 4041, email: 4051 };
describe('kong.yml', () => {
  itWithDeck(`passes Kong's own \`deck file validate\`${hasDeck ? '' : ' (SKIPPED: .run/tools/bin/deck is not built; run npm run up)'}`, async () => {
    const { stdout, stderr } = await run(DECK, ['file', 'validate', KONG_YML], { cwd: ROOT, timeout: 60_000 });
    expect(`${stdout}${stderr}`).not.toMatch(/error/i);
  });

  it('is DB-less declarative config 3.0 with the edge plugins', () => {
    const raw = readFileSync(KONG_YML, 'utf8');
    expect(raw).toMatch(/^_format_version: "3\.0"$/m);
    const plugins = ((kongFile() as { plugins?: Array<{ name: string; config: Record<string, unknown> }> }).plugins ?? []);
    const byName = new Map(plugins.map((p) => [p.name, p.config]));
    expect([...byName.keys()].sort()).toEqual(['correlation-id', 'cors', 'opentelemetry', 'post-function', 'prometheus', 'rate-limiting', 'request-size-limiting']);
    expect(byName.get('opentelemetry')).toMatchObject({ traces_endpoint: 'http://jaeger:4318/v1/traces', propagation: { default_format: 'w3c', extract: ['w3c'] } });
    expect(byName.get('correlation-id')).toMatchObject({ header_name: 'X-Request-Id', echo_downstream: true });
    expect(byName.get('request-size-limiting')).toMatchObject({ allowed_payload_size: 1, size_unit: 'megabytes' });
    expect(byName.get('rate-limiting')).toMatchObject({ policy: 'local', limit_by: 'ip' });
  });
});

describe('route tables: kong.yml and the local nginx edge', () => {
  let edge = '';
  beforeAll(async () => {
    await render();
    edge = readFileSync(RENDERED_EDGE, 'utf8');
  });

  it('when Kong routes a prefix to a service, then nginx routes the same prefix to the same service', () => {
    const kong = kongRoutes().filter((r) => r.service !== STOREFRONT);
    expect(kong.length).toBeGreaterThan(0);
    const nginx = new Map(nginxApiLocations(edge).map((l) => [l.prefix, l.service]));
    for (const { prefix, service } of kong) expect({ prefix, service: nginx.get(prefix) }).toEqual({ prefix, service });
  });

  it('when nginx has an API route, then Kong has it too, as a plain prefix', () => {
    const kong = new Map(kongRoutes().map((r) => [r.prefix, r.service]));
    for (const loc of nginxApiLocations(edge).filter((l) => l.prefix !== API_DOCS)) {
      expect({ prefix: loc.prefix, modifier: loc.modifier, service: kong.get(loc.prefix) }).toEqual({ prefix: loc.prefix, modifier: null, service: loc.service });
    }
  });

  it('when Kong sends / to the storefront, then the local edge serves the same static locations from the build', () => {
    expect(kongRoutes().filter((r) => r.service === STOREFRONT)).toEqual([{ prefix: '/', service: STOREFRONT }, { prefix: API_DOCS, service: STOREFRONT }]);
    expect(nginxDirectives(edge, 'root')).toEqual([[`${ROOT}/storefront/dist`]]);
    expect(nginxDirectives(edge, 'include')).toContainEqual([`${ROOT}/nginx/storefront.inc`]);
    // Every other API prefix stays a plain prefix location, so none of them can fall into the app.
    const inc = readFileSync(join(ROOT, 'nginx', 'storefront.inc'), 'utf8');
    for (const loc of nginxLocations(inc)) expect(loc.path.startsWith('/api')).toBe(false);
  });

  it('when Kong sends /api-docs to the static server, then both edges serve the generated document and its UI from disk', () => {
    expect(kongRoutes().filter((r) => r.prefix === API_DOCS)).toEqual([{ prefix: API_DOCS, service: STOREFRONT }]);
    const local = nginxApiLocations(edge).filter((l) => l.prefix === API_DOCS);
    expect(local).toEqual([{ prefix: API_DOCS, service: '(none)', modifier: null }]);
    expect(nginxDirectives(edge, 'alias')).toContainEqual([`${ROOT}/.run/api-docs`]);
    const docker = readFileSync(join(ROOT, 'nginx', 'docker.conf'), 'utf8');
    expect(nginxDirectives(docker, 'alias')).toContainEqual(['/usr/share/nginx/api-docs']);
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toContain('COPY --from=api-docs-build /api-docs /usr/share/nginx/api-docs');
  });

  it('covers the API table of DESIGN.md', () => {
    const kong = new Map(kongRoutes().map((r) => [r.prefix, r.service]));
    expect(Object.fromEntries(kong)).toMatchObject({
      '/api/auth': 'user',
      '/api/users': 'user',
      '/api/products': 'product',
      '/api/categories': 'product',
      '/api/creators': 'product',
      '/api/graphql': 'product',
      '/api/cart': 'cart',
      '/api/orders': 'order',
      '/api/drops': 'order',
      '/api/inventory': 'inventory',
      '/api-docs': STOREFRONT,
    });
  });

  it('when nginx balances a service, then every replica the stack runs (REPLICAS) is in its upstream', () => {
    const ups = nginxUpstreams(edge);
    for (const name of Object.keys(SERVICE_PORTS)) {
      expect({ name, servers: ups.get(name) }).toEqual({ name, servers: replicaPorts(name).map((p) => `127.0.0.1:${p}`) });
    }
  });

  it('when a non-idempotent request reached a replica, then nginx does not re-send it', () => {
    const retries = nginxDirectives(edge, 'proxy_next_upstream');
    expect(retries.length).toBeGreaterThan(0);
    for (const args of retries) expect(args).toEqual(['error', 'timeout', 'http_502', 'http_503', 'http_504']);
  });

  it('when Kong points a service at the Docker balancer, then nginx/docker.conf listens there and passes to that service', () => {
    const docker = readFileSync(join(ROOT, 'nginx', 'docker.conf'), 'utf8');
    const servers = nginxServers(docker);
    const ups = nginxUpstreams(docker);
    for (const svc of kongFile().services ?? []) {
      const url = new URL(svc.url ?? '');
      expect(url.hostname).toBe('nginx');
      const server = servers.find((s) => s.listen.some((l) => l.endsWith(url.port)));
      if (svc.name === STOREFRONT) {
        // No replicas: the balancer serves the build from disk with the edge's locations.
        expect({ service: svc.name, root: server?.root, includes: server?.includes }).toEqual({
          service: svc.name,
          root: ['/usr/share/nginx/storefront'],
          includes: ['/etc/nginx/conf.d/storefront.inc'],
        });
        // ... which the balancer's image carries (Dockerfile target `storefront`).
        const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
        expect(dockerfile).toContain('COPY nginx/storefront.inc /etc/nginx/conf.d/storefront.inc');
        expect(dockerfile).toContain('COPY --from=storefront-build /storefront/dist /usr/share/nginx/storefront');
        const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { build?: { target?: string } }> };
        expect(compose.services.nginx.build?.target).toBe('storefront');
        continue;
      }
      // The service's own upstream, and for the order service its held-poll twin (below).
      const own = svc.name === 'order' ? [HELD_UPSTREAM, svc.name] : [svc.name];
      expect({ service: svc.name, passes: server?.passes }).toEqual({ service: svc.name, passes: own });
      // One server line naming the compose service: Docker's DNS answers it with every replica.
      expect({ service: svc.name, servers: ups.get(svc.name) }).toEqual({ service: svc.name, servers: [`${svc.name}:${SERVICE_PORTS[svc.name]}`] });
    }
  });

  it('when an edge cuts off an upstream answer, then every edge does it after EDGE_READ_TIMEOUT_MS, which a held poll\'s wait cannot reach, and both nginx stamp when they sent the request', () => {
    const docker = readFileSync(join(ROOT, 'nginx', 'docker.conf'), 'utf8');
    const seconds = (args: string[]) => (/^\d+s$/.test(args[0]) ? Number(args[0].slice(0, -1)) * 1000 : NaN);
    for (const [name, conf] of [['edge', edge], ['docker.conf', docker]] as const) {
      const reads = nginxDirectives(conf, 'proxy_read_timeout');
      expect({ name, reads: reads.map(seconds) }).toEqual({ name, reads: [EDGE_READ_TIMEOUT_MS] });
      // The held poll counts its wait from this stamp (@shop/http edgeSentAt): one value, at http level, for every location.
      expect({ name, stamp: nginxDirectives(conf, 'proxy_set_header').filter((a) => a[0] === 'X-Request-Start') }).toEqual({ name, stamp: [['X-Request-Start', '"t=$msec"']] });
    }
    const kong = (kongFile() as { services?: Array<{ name: string; read_timeout?: number }> }).services ?? [];
    expect(kong.length).toBeGreaterThan(0);
    for (const svc of kong) expect({ service: svc.name, read_timeout: svc.read_timeout }).toEqual({ service: svc.name, read_timeout: EDGE_READ_TIMEOUT_MS });
    // The order service's held-poll bound is capped by the rule, by construction.
    expect(HELD_WAIT_MAX_MS).toBeLessThan(EDGE_READ_TIMEOUT_MS);
    expect(orderEnv.safeParse({ DATABASE_URL: 'postgres://x@127.0.0.1/none', DROP_HELD_POLL_MS: String(HELD_WAIT_MAX_MS + 1) }).success).toBe(false);
  });

  it('when the local edge holds drop polls on an upstream of their own, then the Docker balancer does too, with the same replicas and no failure counting', () => {
    const docker = readFileSync(join(ROOT, 'nginx', 'docker.conf'), 'utf8');
    for (const [name, conf] of [['edge', edge], ['docker.conf', docker]] as const) {
      const held = nginxLocationPasses(conf).filter((l) => l.path === HELD_POLL);
      expect({ name, held }).toEqual({ name, held: [{ modifier: '~', path: HELD_POLL, passes: [HELD_UPSTREAM] }] });
      const lines = nginxUpstreamLines(conf);
      const addresses = (up: string) => (lines.get(up) ?? []).map((l) => l[0]);
      // The order service's replicas, each with max_fails=0: a held poll's 10 s is not a failure.
      expect({ name, servers: addresses(HELD_UPSTREAM) }).toEqual({ name, servers: addresses('order') });
      for (const line of lines.get(HELD_UPSTREAM) ?? []) expect({ name, line }).toEqual({ name, line: expect.arrayContaining(['max_fails=0']) });
    }
  });
});
