/** Helpers for the deploy tests: the tools scripts/up.sh builds, and what compose makes of our files. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from '@shop/config';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, '.run', 'tools', 'bin');
export const COMPOSE = join(BIN, 'docker-compose');
export const HELM = join(BIN, 'helm');
export const KUBECONFORM = join(BIN, 'kubeconform');
export const CHART = join(ROOT, 'deploy', 'helm', 'dropshop');
/** Kept in step with K8S_SCHEMA_VERSION in scripts/lib/tools.sh. */
export const K8S_VERSION = '1.34.0';
export const K8S_SCHEMAS = join(ROOT, '.run', 'tools', 'k8s-schemas');
export const SERVICES = ['user', 'product', 'cart', 'order', 'inventory', 'email'] as const;

export interface Result {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Runs a tool with only PATH and HOME from this environment (plus `env`), so no REPLICAS or REDIS_NODES of the caller leaks in. */
export function tool(bin: string, args: string[], env: Record<string, string> = {}, input?: string): Result {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: scripts/up.sh builds it (npm run up)`);
  const r = spawnSync(bin, args, {
    cwd: ROOT,
    encoding: 'utf8',
    input,
    maxBuffer: 64 * 1024 * 1024,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: mkdtempSync(join(tmpdir(), 'deploy-home-')), ...env },
  });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

export interface ComposeVolume {
  type: string;
  source?: string;
  target: string;
  volume?: { subpath?: string };
}

export interface ComposeService {
  image?: string;
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment?: Record<string, string | null>;
  ports?: Array<{ host_ip?: string; published?: string; target: number }>;
  volumes?: ComposeVolume[];
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  profiles?: string[];
  restart?: string;
  deploy?: { replicas?: number; resources?: { limits?: { memory?: string } } };
  networks?: Record<string, { aliases?: string[] } | null>;
}

export interface ComposeModel {
  services: Record<string, ComposeService>;
}

/** `docker compose -f FILE config --format json` (what compose would run), or the failure. */
export function composeConfig(file: string, env: Record<string, string> = {}): { result: Result; model?: ComposeModel } {
  const result = tool(COMPOSE, ['-f', file, 'config', '--format', 'json'], env);
  return { result, model: result.ok ? (JSON.parse(result.stdout) as ComposeModel) : undefined };
}

/** Runs docker/secrets/generate.sh into DIR (default: a fresh one), as the `secrets` one-shot does at every start. */
export function generatedSecrets(dir = mkdtempSync(join(tmpdir(), 'compose-secrets-'))): string {
  execFileSync('sh', [join(ROOT, 'docker', 'secrets', 'generate.sh'), dir], { encoding: 'utf8' });
  return dir;
}

/** The variables docker/entrypoint.sh loads for a container: its secrets subpath's `env` file. */
export function secretEnv(service: ComposeService, secretsDir: string): Record<string, string> {
  const mount = service.volumes?.find((v) => v.source === 'secrets' && v.target === '/run/shop-secrets');
  const subpath = mount?.volume?.subpath;
  if (!subpath || !existsSync(join(secretsDir, subpath, 'env'))) return {};
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(secretsDir, subpath, 'env'), 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?|0\.0\.0\.0)$/i;

/**
 * Every address in a config value that names the container itself: URLs
 * (`http://127.0.0.1:8000`) and host:port lists (`127.0.0.1:7001,...`). `keycloak.localhost`
 * is not one (compose gives it to Keycloak as a network alias).
 */
export function loopbackAddresses(value: unknown, path = ''): string[] {
  if (typeof value === 'string') {
    const found: string[] = [];
    for (const part of value.split(',')) {
      const text = part.trim();
      let host: string | undefined;
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
        try {
          host = new URL(text).hostname;
        } catch {
          host = undefined;
        }
      } else if (/^[\w.[\]:-]+:\d+$/.test(text)) {
        host = text.slice(0, text.lastIndexOf(':'));
      }
      if (host && LOOPBACK.test(host)) found.push(`${path}=${text}`);
    }
    return found;
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => loopbackAddresses(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => loopbackAddresses(v, path ? `${path}.${k}` : k));
  return [];
}

export type Schema = z.ZodType<Record<string, unknown>>;

/** The zod schema a service's config.ts exports (the one its readConfig/loadConfig parses). */
export async function serviceSchema(name: string): Promise<Schema> {
  const mod = (await import(`../../services/${name}/src/config.ts`)) as Record<string, unknown>;
  const found = Object.values(mod).find(
    (v): v is Schema => !!v && typeof (v as Schema).safeParse === 'function' && 'DATABASE_URL' in ((v as { shape?: object }).shape ?? {}),
  );
  if (!found) throw new Error(`services/${name}/src/config.ts exports no env schema`);
  return found;
}

/** What pm2 gives every native replica (ecosystem.config.cjs): the heap flags (HEAP_ARGS) and the memory guard (max_memory_restart). */
export interface Pm2Memory {
  heapFlag: string;
  heapMiB: number;
  maxMemoryRestart: number;
}

const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
/** pm2's units (lib/tools/Config.js, 'sbyte'): K, M and G count in 1024s. */
const PM2_UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 };

/** A memory size in bytes: a Kubernetes quantity (`1Gi`, `512Mi`) or compose's bytes (`1073741824`); with `pm2`, pm2's `1G`. */
export function bytes(size: string | number | undefined, pm2 = false): number {
  const m = /^(\d+)([a-zA-Z]*)$/.exec(String(size ?? ''));
  const unit = m ? (pm2 ? PM2_UNITS : UNITS)[m[2]] : undefined;
  return m && unit ? Number(m[1]) * unit : NaN;
}

export async function pm2Memory(): Promise<Pm2Memory> {
  const { createRequire } = await import('node:module');
  const eco = createRequire(import.meta.url)('../../ecosystem.config.cjs') as { apps: Array<{ node_args?: string; max_memory_restart?: string; env: { PORT?: string } }> };
  const replicas = eco.apps.filter((a) => a.env.PORT);
  // The heap's flags as pm2 passes them (HEAP_ARGS: the old space's limit and the young generation's size).
  const flags = new Set(replicas.map((a) => (a.node_args ?? '').match(/--max-(?:old|semi)-space-size=\d+/g)?.join(' ')));
  const guards = new Set(replicas.map((a) => a.max_memory_restart));
  if (replicas.length === 0 || flags.size !== 1 || guards.size !== 1) throw new Error(`pm2's replicas disagree on their heap flag or memory guard: ${[...flags].join(', ')} / ${[...guards].join(', ')}`);
  const [heapFlag] = [...flags] as string[];
  const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(heapFlag ?? '')?.[1]);
  return { heapFlag, heapMiB, maxMemoryRestart: bytes([...guards][0], true) };
}

/** The NODE_OPTIONS the image's runtime stage (the Dockerfile's last, the default target) sets, if any. */
export function imageNodeOptions(dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')): string | undefined {
  const stages = dockerfile.split(/^FROM\s/m);
  const runtime = stages[stages.length - 1];
  if (!/^\S+\s+AS\s+runtime\b/i.test(runtime)) throw new Error('the Dockerfile no longer ends with its runtime stage');
  let value: string | undefined;
  for (const m of runtime.matchAll(/^ENV\s+NODE_OPTIONS[=\s]\s*("?)(.*?)\1\s*$/gm)) value = m[2];
  return value;
}

/**
 * V8 may hold the old space, the young generation (64 MB: V8's default semi-spaces) and, outside
 * the heap, about 150 MB more (load-tests/results/buy-path-profile.md): a container limit below
 * that kills a replica that pm2 would have let live.
 */
export const YOUNG_AND_OUTSIDE_MIB = 64 + 150;

/** One container that runs our image: what overrides the image's NODE_OPTIONS, and its memory limit in bytes. */
export interface NodeContainer {
  label: string;
  nodeOptions: string | undefined;
  memoryLimit: number;
  /** A service replica: its limit must be pm2's guard exactly. */
  replica: boolean;
}

/** Where a container's heap (its NODE_OPTIONS, else the image's) or memory limit is not pm2's (a replica) or leaves no room above the heap (any). */
export function memoryProblems(containers: NodeContainer[], pm2: Pm2Memory, image: string | undefined): string[] {
  const problems: string[] = [];
  const floor = (pm2.heapMiB + YOUNG_AND_OUTSIDE_MIB) * 2 ** 20;
  for (const c of containers) {
    const options = c.nodeOptions ?? image;
    if (options !== pm2.heapFlag) problems.push(`${c.label}: NODE_OPTIONS is ${JSON.stringify(options)}, pm2 runs ${pm2.heapFlag}`);
    if (!(c.memoryLimit >= floor)) problems.push(`${c.label}: memory limit ${c.memoryLimit} B is below ${floor} B (heap ${pm2.heapMiB} MiB + ${YOUNG_AND_OUTSIDE_MIB} MiB)`);
    if (c.replica && c.memoryLimit !== pm2.maxMemoryRestart) problems.push(`${c.label}: memory limit ${c.memoryLimit} B is not pm2's max_memory_restart (${pm2.maxMemoryRestart} B)`);
  }
  return problems;
}

/**
 * Why a Kong's environment would drop kong.yml's post-function (Kong's upstream errors in the
 * platform's shape): untrusted Lua off (Kong then refuses the file), or a plugin list without it.
 */
export function kongLuaProblems(label: string, env: Record<string, string | null | undefined>): string[] {
  const problems: string[] = [];
  const lua = env.KONG_UNTRUSTED_LUA;
  if (lua != null && lua !== 'sandbox') problems.push(`${label}: KONG_UNTRUSTED_LUA=${lua} (the post-function needs the default, sandbox)`);
  const plugins = env.KONG_PLUGINS?.split(',').map((p) => p.trim());
  if (plugins && !plugins.includes('bundled') && !plugins.includes('post-function')) problems.push(`${label}: KONG_PLUGINS=${env.KONG_PLUGINS} leaves out post-function`);
  return problems;
}
