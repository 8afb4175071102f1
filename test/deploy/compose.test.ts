/**
 * The Docker path, checked without a container engine: the Docker Compose CLI (built by
 * scripts/up.sh) reads every compose file, and each container that runs our code gets its
 * environment parsed by that service's own config schema, with the secrets the `secrets`
 * one-shot generates on first start.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrationEnv } from '@shop/config';
import { parseRedisNodes } from '@shop/cache';
import { telemetryEnv } from '@shop/telemetry';
import {
  ROOT,
  SERVICES,
  bytes,
  composeConfig,
  generatedSecrets,
  loopbackAddresses,
  imageNodeOptions,
  kongLuaProblems,
  memoryProblems,
  pm2Memory,
  secretEnv,
  serviceSchema,
  type ComposeModel,
  type NodeContainer,
  type Schema,
  type ComposeService,
} from './deploy-files.js';

const ROOT_FILE = join(ROOT, 'docker-compose.yml');
const CLUSTER_ENV = { COMPOSE_PROFILES: 'redis-cluster', REDIS_NODES: 'redis-node-1:6379,redis://redis-node-2:6379,redis-node-3:6379' };
const COMPOSE_FILES: Array<[string, Record<string, string>]> = [
  ['docker-compose.yml', {}],
  ['docker-compose.yml', CLUSTER_ENV],
  ['docker-compose.yml', { REPLICAS: '3' }],
  ['kong-docker-compose/docker-compose.yml', {}],
  // Its admin password comes from keycloak-docker-compose/.env (not committed).
  ['keycloak-docker-compose/keycloak-docker-compose.yml', { KC_BOOTSTRAP_ADMIN_PASSWORD: 'from-an-env-file' }],
];

const schemas = new Map<string, Schema>();

/**
 * Which parser a container's command reaches: a service's main or seed, or a migration. The
 * image runs them compiled (dist/), with the condition that sends @shop/* imports to dist/ too.
 */
function parserFor(svc: ComposeService): { label: string; schema: Schema } | undefined {
  // A service's main has the tracing preload before it (checked in "traces in compose").
  const m = /^node --conditions=shop-dist (?:--import \.\/packages\/telemetry\/dist\/register\.js )?services\/(\w+)\/dist\/(main|migrate|seed)\.js$/.exec((svc.command ?? []).join(' '));
  if (!m) return undefined;
  const [, name, entry] = m;
  return entry === 'migrate' ? { label: `${name} migrate`, schema: migrationEnv as unknown as Schema } : { label: `${name} ${entry}`, schema: schemas.get(name)! };
}

/** What a container's process sees: compose's environment plus its generated secrets (docker/entrypoint.sh). */
function containerEnv(svc: ComposeService, secretsDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.environment ?? {})) if (v !== null) env[k] = v;
  return { ...env, ...secretEnv(svc, secretsDir) };
}

/** Problems with every container that runs our code: bad or missing variables, loopback addresses. */
function environmentProblems(model: ComposeModel, secretsDir: string): string[] {
  const problems: string[] = [];
  for (const [name, svc] of Object.entries(model.services)) {
    const parser = parserFor(svc);
    if (!parser) continue;
    const env = containerEnv(svc, secretsDir);
    const parsed = parser.schema.safeParse(env);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${name} (${parser.label}): ${issue.path.join('.')}: ${issue.message}`);
      continue;
    }
    // Defaults count too: a default of 127.0.0.1 is the container itself.
    for (const hit of loopbackAddresses(parsed.data)) problems.push(`${name} (${parser.label}): ${hit} points at the container itself`);
  }
  return problems;
}

let secretsDir: string;
let model: ComposeModel;

beforeAll(async () => {
  for (const name of SERVICES) schemas.set(name, await serviceSchema(name));
  secretsDir = generatedSecrets();
  const { result, model: m } = composeConfig(ROOT_FILE);
  if (!m) throw new Error(`docker compose config failed: ${result.stderr}`);
  model = m;
});

afterAll(() => rmSync(secretsDir, { recursive: true, force: true }));

describe('docker compose config', () => {
  it.each(COMPOSE_FILES)('when compose reads %s (env %j), then it accepts the file', (file, env) => {
    const { result } = composeConfig(join(ROOT, file), env);
    expect({ file, stderr: result.stderr.split('\n').filter((l) => !/level=warn/.test(l)).join('\n'), ok: result.ok }).toEqual({ file, stderr: '', ok: true });
  });

  it('when Keycloak alone is started without its env file, then compose refuses rather than use a known password', () => {
    const { result } = composeConfig(join(ROOT, 'keycloak-docker-compose', 'keycloak-docker-compose.yml'));
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/KC_BOOTSTRAP_ADMIN_PASSWORD/);
  });

  it('when a compose file is broken, then the check fails (it can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-broken-'));
    try {
      const broken = join(dir, 'docker-compose.yml');
      writeFileSync(broken, readFileSync(ROOT_FILE, 'utf8').replace('postgres: { condition: service_healthy }', 'postgress: { condition: service_healthy }'));
      expect(composeConfig(broken).result.ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the environment compose gives each service', () => {
  it('when each container that runs our code parses its environment, then nothing is missing or bad and nothing points at 127.0.0.1', () => {
    const checked = Object.values(model.services).filter((s) => parserFor(s)).length;
    expect(checked).toBeGreaterThanOrEqual(SERVICES.length * 2 + 1); // services, migrations, seed
    expect(environmentProblems(model, secretsDir)).toEqual([]);
  });

  it('when the order service had no CART_GRPC_TARGET, then its loopback default is caught (the check can fail)', () => {
    const order = structuredClone(model.services.order);
    delete order.environment!.CART_GRPC_TARGET;
    const problems = environmentProblems({ services: { order } }, secretsDir);
    expect(problems).toEqual([4121, 4122].map((port) => expect.stringMatching(new RegExp(`order \\(order main\\): CART_GRPC_TARGET=127\\.0\\.0\\.1:${port} points at the container itself$`))));
  });

  it('when cart and inventory serve gRPC in a container, then they listen on every interface and the order service names them by service', () => {
    for (const name of ['cart', 'inventory']) expect(schemas.get(name)!.parse(containerEnv(model.services[name], secretsDir))).toMatchObject({ GRPC_HOST: '0.0.0.0' });
    expect(schemas.get('order')!.parse(containerEnv(model.services.order, secretsDir))).toMatchObject({ CART_GRPC_TARGET: 'cart:4121', INVENTORY_GRPC_TARGET: 'inventory:4141' });
  });

  it('when a secret is missing from the generated files, then the parser reports the variable', () => {
    const problems = environmentProblems({ services: { order: model.services.order } }, join(secretsDir, 'nowhere'));
    expect(problems).toContainEqual(expect.stringMatching(/order \(order main\): DATABASE_URL/));
  });

  it('when the redis-cluster profile is on, then the services get the three nodes in both spellings', () => {
    const { model: cluster } = composeConfig(ROOT_FILE, CLUSTER_ENV);
    expect(Object.keys(cluster!.services)).toEqual(expect.arrayContaining(['redis-node-1', 'redis-node-2', 'redis-node-3', 'redis-cluster-init']));
    expect(environmentProblems(cluster!, secretsDir)).toEqual([]);
    const parsed = schemas.get('order')!.parse(containerEnv(cluster!.services.order, secretsDir));
    expect(parseRedisNodes(String(parsed.REDIS_NODES))).toEqual([1, 2, 3].map((n) => ({ host: `redis-node-${n}`, port: 6379 })));
    expect(cluster!.services.order.depends_on?.['redis-cluster-init']?.condition).toBe('service_completed_successfully');
  });
});

describe('traces in compose', () => {
  it('when a service starts, then it loads the tracing preload and exports over OTLP to the jaeger container', () => {
    expect(model.services.jaeger.image).toBe('jaegertracing/all-in-one:1.76.0');
    for (const name of SERVICES) {
      const svc = model.services[name];
      const command = (svc.command ?? []).join(' ');
      expect({ name, command }).toEqual({ name, command: `node --conditions=shop-dist --import ./packages/telemetry/dist/register.js services/${name}/dist/main.js` });
      const otel = telemetryEnv.parse(containerEnv(svc, secretsDir));
      expect({ name, endpoint: otel.OTEL_EXPORTER_OTLP_ENDPOINT, sampler: otel.OTEL_TRACES_SAMPLER }).toEqual({ name, endpoint: 'http://jaeger:4318', sampler: 'parentbased_always_on' });
    }
  });
});

describe('the compose start-up order', () => {
  it('when a service starts, then its one-shot migration has completed first', () => {
    for (const name of SERVICES) {
      expect({ name, dep: model.services[name].depends_on?.[`${name}-migrate`]?.condition }).toEqual({ name, dep: 'service_completed_successfully' });
      expect(model.services[`${name}-migrate`].restart).toBe('no');
    }
  });

  it('when a service connects to the broker, then as its own user, set up by the rabbitmq-setup one-shot first; nobody is guest', () => {
    const setup = secretEnv(model.services['rabbitmq-setup'], secretsDir);
    expect(model.services['rabbitmq-setup'].command?.join(' ')).toMatch(/scripts\/broker-setup\.ts/);
    expect(setup.RABBIT_ADMIN_USER).toBe('shop');
    for (const name of SERVICES) {
      const url = new URL(secretEnv(model.services[name], secretsDir).AMQP_URL);
      expect({ name, user: url.username }).toEqual({ name, user: name });
      // The password rabbitmq-setup gives the user is the one the service logs in with.
      expect(decodeURIComponent(url.password)).toBe(setup[`AMQP_PASSWORD_${name.toUpperCase()}`]);
      expect({ name, dep: model.services[name].depends_on?.['rabbitmq-setup']?.condition }).toEqual({ name, dep: 'service_completed_successfully' });
    }
    expect(readFileSync(join(secretsDir, 'rabbitmq', '20-shop.conf'), 'utf8')).toMatch(/^default_user = shop$/m);
  });

  it('when the stack starts, then one-shots seed the catalog after the services are healthy and set up Keycloak before the user service', () => {
    expect(model.services.seed.command?.join(' ')).toMatch(/services\/product\/dist\/seed\.js$/);
    expect(model.services.seed.depends_on?.product?.condition).toBe('service_healthy');
    expect(model.services.seed.depends_on?.inventory?.condition).toBe('service_healthy');
    expect(model.services.user.depends_on?.['keycloak-setup']?.condition).toBe('service_completed_successfully');
  });

  it('when REPLICAS is set, then compose runs that many of every service (default 2)', () => {
    const three = composeConfig(ROOT_FILE, { REPLICAS: '3' }).model!;
    for (const name of SERVICES) {
      expect({ name, replicas: model.services[name].deploy?.replicas }).toEqual({ name, replicas: 2 });
      expect({ name, replicas: three.services[name].deploy?.replicas }).toEqual({ name, replicas: 3 });
    }
  });
});

describe('what compose publishes and commits', () => {
  it('when ports are published, then only the edge listens beyond loopback and the databases not at all', () => {
    const open: string[] = [];
    for (const [name, svc] of Object.entries(model.services)) {
      for (const p of svc.ports ?? []) if (name !== 'kong' && p.host_ip !== '127.0.0.1') open.push(`${name}:${p.published}`);
    }
    expect(open).toEqual([]);
    for (const db of ['postgres', 'redis']) expect({ db, ports: model.services[db].ports ?? [] }).toEqual({ db, ports: [] });
    expect(model.services.kong.ports?.map((p) => p.published)).toEqual(['8000']);
  });

  it('when Keycloak issues a token, then its issuer is the hostname the services use inside the network', () => {
    const kc = model.services.keycloak;
    const hostname = new URL(String(kc.environment?.KC_HOSTNAME)).host;
    expect(kc.networks?.shop?.aliases).toContain(hostname.split(':')[0]);
    for (const name of SERVICES) expect(new URL(String(model.services[name].environment?.KEYCLOAK_URL)).host).toBe(hostname);
  });

  it('when the compose files are read, then no password or client secret is written in them', () => {
    for (const file of ['docker-compose.yml', 'keycloak-docker-compose/keycloak-docker-compose.yml']) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      // KEY: value lines whose key says password or secret; a path (_FILE, _DIR) or a ${VAR} is no secret.
      // The one exception is the README's demo login (DEMO_ADMIN_PASSWORD), which is meant to be known.
      const hits = [...text.matchAll(/^\s*(\w*(?:PASSWORD|SECRET|_PASS)\w*)\s*:\s*(\S.*)$/gm)]
        .filter(([, key, value]) => !/_(FILE|DIR)$/.test(key) && !value.startsWith('${') && key !== 'DEMO_ADMIN_PASSWORD')
        .map(([line]) => line.trim());
      expect({ file, hits }).toEqual({ file, hits: [] });
      expect({ file, urls: text.match(/\/\/[\w-]+:[^@\s/]+@/g) ?? [] }).toEqual({ file, urls: [] });
    }
  });

  it('when the secrets one-shot runs twice, then it keeps the first values (a restart must not lock the services out)', () => {
    const before = readFileSync(join(secretsDir, 'order', 'env'), 'utf8');
    generatedSecrets(secretsDir);
    expect(readFileSync(join(secretsDir, 'order', 'env'), 'utf8')).toBe(before);
    expect(before).toMatch(/^DATABASE_URL=postgres:\/\/order_svc:[0-9a-f]{48}@postgres:5432\/order_db$/m);
  });
});


/** Every compose container that runs our image (its node reads the image's NODE_OPTIONS unless compose sets one). */
function nodeContainers(m: ComposeModel): NodeContainer[] {
  return Object.entries(m.services)
    .filter(([, svc]) => svc.image === 'dropshop/app:local')
    .map(([name, svc]) => ({
      label: name,
      nodeOptions: svc.environment?.NODE_OPTIONS ?? undefined,
      // No limit at all leaves V8's own cap (the image's) as the only one: nothing to kill it first.
      memoryLimit: svc.deploy?.resources?.limits?.memory === undefined ? Infinity : bytes(svc.deploy.resources.limits.memory),
      replica: (SERVICES as readonly string[]).includes(name),
    }));
}

describe('memory in compose, as pm2', () => {
  it("when a replica starts, then node has pm2's heap limit (the image's NODE_OPTIONS) and the container pm2's memory guard, above that heap", async () => {
    const pm2 = await pm2Memory();
    expect(pm2).toEqual({ heapFlag: '--max-old-space-size=384 --max-semi-space-size=64', heapMiB: 384, maxMemoryRestart: 2 ** 30 });
    const containers = nodeContainers(model);
    expect(containers.filter((c) => c.replica).map((c) => c.label).sort()).toEqual([...SERVICES].sort());
    expect(imageNodeOptions()).toBe(pm2.heapFlag);
    expect(memoryProblems(containers, pm2, imageNodeOptions())).toEqual([]);
  });

  it('when the heap flag or a limit drifts from pm2, then the check names the container (it can fail)', async () => {
    const pm2 = await pm2Memory();
    const drifted = structuredClone(model);
    drifted.services.order.environment!.NODE_OPTIONS = '--max-old-space-size=4096';
    drifted.services.cart.deploy!.resources!.limits!.memory = String(384 * 2 ** 20);
    expect(memoryProblems(nodeContainers(drifted), pm2, imageNodeOptions()).sort()).toEqual([
      expect.stringMatching(/^cart: memory limit 402653184 B is below/),
      expect.stringMatching(/^cart: memory limit .* is not pm2's max_memory_restart/),
      expect.stringMatching(/^order: NODE_OPTIONS is "--max-old-space-size=4096", pm2 runs --max-old-space-size=384 --max-semi-space-size=64$/),
    ]);
    // An image without the flag: every container that does not set its own is named.
    const bare = imageNodeOptions(readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/^ENV NODE_OPTIONS=.*$/m, ''));
    expect(bare).toBeUndefined();
    expect(memoryProblems(nodeContainers(model), pm2, bare)).toContainEqual(expect.stringMatching(/^order: NODE_OPTIONS is undefined/));
  });
});

describe("Kong's upstream errors in compose", () => {
  it("when Kong starts (with the stack or alone), then it serves kong.yml and may run its post-function (the 503 rule)", () => {
    for (const file of ['docker-compose.yml', 'kong-docker-compose/docker-compose.yml']) {
      const kong = composeConfig(join(ROOT, file)).model!.services.kong;
      expect({ file, mounts: (kong.volumes ?? []).filter((v) => v.target === '/kong/declarative/kong.yml').map((v) => v.source) }).toEqual({ file, mounts: [join(ROOT, 'kong-docker-compose', 'kong.yml')] });
      expect({ file, problems: kongLuaProblems(file, kong.environment ?? {}) }).toEqual({ file, problems: [] });
    }
    expect(kongLuaProblems('x', { KONG_UNTRUSTED_LUA: 'off' })).toEqual(['x: KONG_UNTRUSTED_LUA=off (the post-function needs the default, sandbox)']);
    expect(kongLuaProblems('x', { KONG_PLUGINS: 'cors,prometheus' })).toEqual(['x: KONG_PLUGINS=cors,prometheus leaves out post-function']);
  });
});
