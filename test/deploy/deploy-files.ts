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
  deploy?: { replicas?: number };
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
