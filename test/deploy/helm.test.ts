/**
 * The Kubernetes path, checked without a cluster: `helm lint`, `helm template`, and the
 * rendered manifests validated by kubeconform against the Kubernetes schemas (made offline
 * by scripts/lib/tools.sh). KEDA's kinds have no schema there; they are checked here
 * against the queues the services really consume.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments, parse } from 'yaml';
import { migrationEnv } from '@shop/config';
import { CHART, HELM, K8S_SCHEMAS, K8S_VERSION, KUBECONFORM, ROOT, SERVICES, bytes, imageNodeOptions, kongLuaProblems, loopbackAddresses, memoryProblems, pm2Memory, serviceSchema, tool, type NodeContainer, type Schema } from './deploy-files.js';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface Probe { httpGet?: { path: string; port: string | number } }
interface Container {
  name: string;
  image?: string;
  command?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  ports?: Array<{ name: string; containerPort: number }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

const KEDA_KINDS = ['ScaledObject', 'TriggerAuthentication'];

function template(...set: string[]): { ok: boolean; stderr: string; manifests: Manifest[]; text: string } {
  const args = ['template', 'shop', CHART, '--kube-version', K8S_VERSION, ...set.flatMap((s) => ['--set', s])];
  const r = tool(HELM, args);
  const manifests = r.ok ? parseAllDocuments(r.stdout).map((d) => d.toJSON() as Manifest).filter(Boolean) : [];
  return { ok: r.ok, stderr: r.stderr, manifests, text: r.stdout };
}

function kubeconform(yamlText: string): { ok: boolean; output: string } {
  const location = `${K8S_SCHEMAS}/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;
  const r = tool(
    KUBECONFORM,
    ['-strict', '-summary', '-kubernetes-version', K8S_VERSION, '-schema-location', location, '-skip', KEDA_KINDS.join(','), '-'],
    {},
    yamlText,
  );
  return { ok: r.ok, output: r.stdout + r.stderr };
}

/** Every queue a service consumes, from its code: the `*_QUEUE = '<service>.<purpose>'` constants. */
function queuesInCode(service: string): string[] {
  const queues = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.ts')) for (const m of readFileSync(join(dir, e.name), 'utf8').matchAll(/_QUEUE = '([\w.-]+)'/g)) queues.add(m[1]);
    }
  };
  walk(join(ROOT, 'services', service, 'src'));
  return [...queues].sort();
}

const of = (ms: Manifest[], kind: string): Manifest[] => ms.filter((m) => m.kind === kind);
const containersOf = (m: Manifest): Container[] =>
  ((m.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers);

/**
 * Every container of the chart that runs our image (Deployments and Jobs): the NODE_OPTIONS its
 * env or ConfigMap would set over the image's, and its memory limit.
 */
function nodeContainers(ms: Manifest[]): NodeContainer[] {
  const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as { image: { repository: string } };
  const configMaps = new Map(of(ms, 'ConfigMap').map((m) => [m.metadata.name, m.data ?? {}]));
  return [...of(ms, 'Deployment'), ...of(ms, 'Job')].flatMap((m) =>
    containersOf(m)
      .filter((c) => c.image?.startsWith(`${values.image.repository}:`))
      .map((c) => {
        const fromConfigMaps = (c.envFrom ?? []).map((f) => (f.configMapRef ? configMaps.get(f.configMapRef.name)?.NODE_OPTIONS : undefined)).find((v) => v !== undefined);
        return {
          label: `${m.kind} ${m.metadata.name}`,
          nodeOptions: c.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? fromConfigMaps,
          memoryLimit: bytes(c.resources?.limits?.memory),
          replica: m.kind === 'Deployment',
        };
      }),
  );
}

let rendered: ReturnType<typeof template>;
beforeAll(() => {
  rendered = template();
  if (!rendered.ok) throw new Error(`helm template failed: ${rendered.stderr}`);
});

describe('the Helm chart', () => {
  it('when helm lints the chart, then it passes', () => {
    const r = tool(HELM, ['lint', CHART, '--strict', '--kube-version', K8S_VERSION]);
    expect({ ok: r.ok, out: r.ok ? '' : r.stdout + r.stderr }).toEqual({ ok: true, out: '' });
  });

  it.each([
    ['the defaults', []],
    ['KEDA off, the seed and an Ingress on, a Redis Cluster', ['keda.enabled=false', 'seed.enabled=true', 'ingress.enabled=true', 'redis.nodes=redis://r1:6379\\,r2:6379']],
  ])('when rendered with %s, then every manifest validates against the Kubernetes schemas', (_label, set) => {
    const r = template(...(set as string[]));
    expect(r.ok).toBe(true);
    const check = kubeconform(r.text);
    expect({ ok: check.ok, output: check.ok ? '' : check.output }).toEqual({ ok: true, output: '' });
    expect(check.output).toMatch(/Invalid: 0, Errors: 0/);
  });

  it('when a manifest is wrong, then the schema check says so (it can fail)', () => {
    const broken = rendered.text.replace('readinessProbe:', 'readinessProbes:');
    expect(kubeconform(broken).ok).toBe(false);
  });

  it('when a service is deployed, then it has probes on its health routes, requests and limits, a PDB and a migration Job', () => {
    const deployments = of(rendered.manifests, 'Deployment');
    for (const name of SERVICES) {
      const d = deployments.find((m) => m.metadata.name === `shop-dropshop-${name}`);
      expect({ name, found: !!d }).toEqual({ name, found: true });
      const [c] = containersOf(d!);
      expect({ name, ready: c.readinessProbe?.httpGet?.path, live: c.livenessProbe?.httpGet?.path }).toEqual({ name, ready: '/health/ready', live: '/health/live' });
      expect(c.command?.join(' ')).toBe(`node --conditions=shop-dist services/${name}/dist/main.js`);
      for (const k of ['requests', 'limits'] as const) expect({ name, k, cpu: !!c.resources?.[k]?.cpu, memory: !!c.resources?.[k]?.memory }).toEqual({ name, k, cpu: true, memory: true });
      expect(of(rendered.manifests, 'PodDisruptionBudget').map((m) => m.metadata.name)).toContain(`shop-dropshop-${name}`);
      const job = of(rendered.manifests, 'Job').find((m) => m.metadata.name === `shop-dropshop-${name}-migrate`);
      expect(job?.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      expect(containersOf(job!)[0].command?.join(' ')).toBe(`node --conditions=shop-dist services/${name}/dist/migrate.js`);
    }
  });

  it('when a service consumes queues, then KEDA scales it on exactly those queues; the others get an HPA on CPU', () => {
    const scaled = new Map(of(rendered.manifests, 'ScaledObject').map((m) => [m.metadata.name, m]));
    const hpas = of(rendered.manifests, 'HorizontalPodAutoscaler').map((m) => m.metadata.name);
    for (const name of SERVICES) {
      const queues = queuesInCode(name);
      const so = scaled.get(`shop-dropshop-${name}`);
      if (queues.length === 0) {
        expect({ name, hpa: hpas.includes(`shop-dropshop-${name}`), keda: !!so }).toEqual({ name, hpa: true, keda: false });
        continue;
      }
      const triggers = (so?.spec?.triggers ?? []) as Array<{ type: string; metadata: { queueName?: string } }>;
      expect({ name, queues: triggers.filter((t) => t.type === 'rabbitmq').map((t) => t.metadata.queueName).sort() }).toEqual({ name, queues });
      expect({ name, cpu: triggers.some((t) => t.type === 'cpu') }).toEqual({ name, cpu: true });
    }
  });

  it('when Kong is the ingress, then it serves kong.yml with the same routes, each pointed at its service', () => {
    const cm = of(rendered.manifests, 'ConfigMap').find((m) => m.metadata.name === 'shop-dropshop-kong');
    type KongDecl = { services: Array<{ name: string; url: string; routes: unknown[] }>; plugins: unknown[] };
    const inCluster = parse(cm!.data!['kong.yml']) as KongDecl;
    const compose = parse(readFileSync(join(ROOT, 'kong-docker-compose', 'kong.yml'), 'utf8')) as KongDecl;
    // The same plugins, but the tracing one (off by default; see the tracing test below).
    const untraced = (plugins: unknown[]) => plugins.filter((p) => (p as { name: string }).name !== 'opentelemetry');
    expect(inCluster.plugins).toEqual(untraced(compose.plugins));
    expect(compose.plugins).toContainEqual(expect.objectContaining({ name: 'opentelemetry' }));
    expect(inCluster.services.map((s) => ({ ...s, url: undefined }))).toEqual(compose.services.map((s) => ({ ...s, url: undefined })));
    const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as { services: Record<string, { port: number }>; storefront: { port: number } };
    // The storefront is not a Node service: its static build has a Deployment of its own (templates/storefront.yaml).
    const ports: Record<string, { port: number }> = { ...values.services, storefront: values.storefront };
    for (const s of inCluster.services) expect(s.url).toBe(`http://shop-dropshop-${s.name}:${ports[s.name].port}`);
    expect(of(rendered.manifests, 'Deployment').map((d) => d.metadata.name)).toContain('shop-dropshop-storefront');
    // The post-function among those plugins (Kong's upstream errors, kong-docker-compose/README.md) may run.
    expect(inCluster.plugins).toContainEqual(expect.objectContaining({ name: 'post-function' }));
    const [kc] = containersOf(of(rendered.manifests, 'Deployment').find((m) => m.metadata.name === 'shop-dropshop-kong')!);
    expect(kongLuaProblems('kong', Object.fromEntries((kc.env ?? []).map((e) => [e.name, e.value])))).toEqual([]);
  });

  it('when tracing is off (the default), then no service loads the preload or names an OTLP endpoint, and Kong has no tracing plugin', () => {
    const env = of(rendered.manifests, 'ConfigMap').find((m) => m.metadata.name === 'shop-dropshop-env')!.data!;
    expect(Object.keys(env).filter((k) => k.startsWith('OTEL_'))).toEqual([]);
    const kong = parse(of(rendered.manifests, 'ConfigMap').find((m) => m.metadata.name === 'shop-dropshop-kong')!.data!['kong.yml']) as { plugins: Array<{ name: string }> };
    expect(kong.plugins.map((p) => p.name)).not.toContain('opentelemetry');
  });

  it('when tracing is on, then every service loads the preload and sends to the collector, and Kong reports to it too', () => {
    const r = template('tracing.enabled=true', 'tracing.otlpEndpoint=http://collector.obs:4318/', 'tracing.samplerArg=0.25');
    expect(r.ok).toBe(true);
    expect(kubeconform(r.text).ok).toBe(true);
    const env = of(r.manifests, 'ConfigMap').find((m) => m.metadata.name === 'shop-dropshop-env')!.data!;
    expect(env).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.obs:4318/', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' });
    for (const name of SERVICES) {
      const [c] = containersOf(of(r.manifests, 'Deployment').find((m) => m.metadata.name === `shop-dropshop-${name}`)!);
      expect(c.command?.join(' ')).toBe(`node --conditions=shop-dist --import ./packages/telemetry/dist/register.js services/${name}/dist/main.js`);
    }
    // Migrations are not traced.
    expect(containersOf(of(r.manifests, 'Job').find((m) => m.metadata.name === 'shop-dropshop-order-migrate')!)[0].command).not.toContain('--import');
    const kongCm = of(r.manifests, 'ConfigMap').find((m) => m.metadata.name === 'shop-dropshop-kong')!;
    const kong = parse(kongCm.data!['kong.yml']) as { plugins: Array<{ name: string; config: Record<string, unknown> }> };
    expect(kong.plugins.find((p) => p.name === 'opentelemetry')?.config).toMatchObject({ traces_endpoint: 'http://collector.obs:4318/v1/traces', propagation: { default_format: 'w3c' } });
    const [kc] = containersOf(of(r.manifests, 'Deployment').find((m) => m.metadata.name === 'shop-dropshop-kong')!);
    expect(kc.env).toEqual(expect.arrayContaining([{ name: 'KONG_TRACING_INSTRUMENTATIONS', value: 'all' }, { name: 'KONG_TRACING_SAMPLING_RATE', value: '0.25' }]));
  });

  it('when the chart is rendered, then it carries no secret: services read theirs from Secrets the operator creates', () => {
    expect(of(rendered.manifests, 'Secret')).toEqual([]);
    const env = of(rendered.manifests, 'ConfigMap').find((m) => m.metadata.name === 'shop-dropshop-env')!.data!;
    expect(Object.keys(env)).not.toEqual(expect.arrayContaining(['DATABASE_URL']));
    expect(env.CART_GRPC_TARGET).toBe('dns:///shop-dropshop-cart-grpc:4121');
    expect(env.INVENTORY_GRPC_TARGET).toBe('dns:///shop-dropshop-inventory-grpc:4141');
    const headless = of(rendered.manifests, 'Service').filter((m) => m.metadata.name.endsWith('-grpc'));
    expect(headless.map((m) => [m.metadata.name, m.spec?.clusterIP])).toEqual([['shop-dropshop-cart-grpc', 'None'], ['shop-dropshop-inventory-grpc', 'None']]);
    const dir = mkdtempSync(join(tmpdir(), 'helm-'));
    try {
      writeFileSync(join(dir, 'all.yaml'), rendered.text);
      expect(readFileSync(join(dir, 'all.yaml'), 'utf8')).not.toMatch(/postgres:\/\/[^\s]*:[^\s]*@/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when each service and migration parses the environment the chart gives it, then nothing is missing and nothing points at the pod itself', async () => {
    // What an operator's Secret holds (values.yaml): only its keys matter here.
    const secret = { DATABASE_URL: 'postgres://svc:pw@pg.example.internal:5432/db', AMQP_URL: 'amqps://svc:pw@mq.example.internal:5671', KEYCLOAK_CLIENT_SECRET: 'x' };
    const configMaps = new Map(of(rendered.manifests, 'ConfigMap').map((m) => [m.metadata.name, m.data ?? {}]));
    const problems: string[] = [];
    const check = (label: string, c: Container, schema: Schema): void => {
      const env: Record<string, string> = {};
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef) Object.assign(env, configMaps.get(from.configMapRef.name) ?? { MISSING_CONFIGMAP: from.configMapRef.name });
        if (from.secretRef) Object.assign(env, secret);
      }
      for (const e of c.env ?? []) env[e.name] = e.value ?? 'from-the-pod';
      const parsed = schema.safeParse(env);
      if (!parsed.success) for (const issue of parsed.error.issues) problems.push(`${label}: ${issue.path.join('.')}: ${issue.message}`);
      else for (const hit of loopbackAddresses(parsed.data)) problems.push(`${label}: ${hit}`);
    };
    for (const name of SERVICES) {
      const d = of(rendered.manifests, 'Deployment').find((m) => m.metadata.name === `shop-dropshop-${name}`)!;
      check(`${name} deployment`, containersOf(d)[0], await serviceSchema(name));
      const job = of(rendered.manifests, 'Job').find((m) => m.metadata.name === `shop-dropshop-${name}-migrate`)!;
      check(`${name} migration`, containersOf(job)[0], migrationEnv as unknown as Schema);
    }
    expect(problems).toEqual([]);
  });
  it("when a replica or a Job runs, then node has pm2's heap limit (the image's NODE_OPTIONS) and a memory limit above it, pm2's guard for the replicas", async () => {
    const pm2 = await pm2Memory();
    const r = template('seed.enabled=true');
    expect(r.ok).toBe(true);
    const containers = nodeContainers(r.manifests);
    expect(containers.filter((c) => c.replica).map((c) => c.label).sort()).toEqual(SERVICES.map((n) => `Deployment shop-dropshop-${n}`).sort());
    expect(containers.length).toBe(SERVICES.length * 2 + 1); // replicas, migrations, seed
    expect(imageNodeOptions()).toBe(pm2.heapFlag);
    expect(memoryProblems(containers, pm2, imageNodeOptions())).toEqual([]);
  });

  it('when values set another heap or a limit below it, then the check names the containers (it can fail)', async () => {
    const pm2 = await pm2Memory();
    const r = template('services.order.env.NODE_OPTIONS=--max-old-space-size=4096', 'defaults.resources.limits.memory=384Mi');
    expect(r.ok).toBe(true);
    const problems = memoryProblems(nodeContainers(r.manifests), pm2, imageNodeOptions());
    expect(problems).toContainEqual('Deployment shop-dropshop-order: NODE_OPTIONS is "--max-old-space-size=4096", pm2 runs --max-old-space-size=384 --max-semi-space-size=64');
    for (const name of SERVICES) {
      expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^Deployment shop-dropshop-${name}: memory limit 402653184 B is below`)));
      expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^Job shop-dropshop-${name}-migrate: memory limit 402653184 B is below`)));
    }
  });
});
