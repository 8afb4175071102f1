/**
 * toxiproxy (built by npm run up into .run/tools/bin) between the services and PgBouncer,
 * Redis and RabbitMQ, for the scenarios that slow, cut or reset a link. Only for the fault
 * run: `proxied(true)` starts toxiproxy and reloads every replica with FAULT_PROXIES=1
 * (ecosystem.config.cjs then points them at the proxies); `proxied(false)` reloads them back
 * onto the real ports and stops toxiproxy.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { until } from '../e2e/api.js';
import { existsSync } from 'node:fs';
import { allReady, listenerPid, platformRoot, pm2Async, pm2Apps, ROOT } from './platform.js';

const API = 'http://127.0.0.1:8474';
/** The platform's build of it: a worktree running the suite against the platform has no `.run/tools`. */
const bin = () => [ROOT, platformRoot()].map((root) => join(root, '.run', 'tools', 'bin', 'toxiproxy-server')).find((p) => existsSync(p)) ?? 'toxiproxy-server';

/**
 * name -> [listen port, upstream port]; the ports are in docs/conventions.md. `keycloak` is every
 * replica's Keycloak (tokens, admin API, JWKS); `inventory` is the order service's synchronous
 * call to inventory (gRPC; proxied, it goes to inventory-1's gRPC port alone).
 */
export const PROXIES = { postgres: [16432, 6432], redis: [16379, 6379], rabbitmq: [16672, 5672], keycloak: [18080, 8080], inventory: [18141, 4141] } as const;
export type ProxyName = keyof typeof PROXIES;

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${API}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  if (!res.ok && res.status !== 404 && res.status !== 409) throw new Error(`toxiproxy ${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function toxiproxyUp(): Promise<boolean> {
  return fetch(`${API}/version`).then((r) => r.ok, () => false);
}

async function startToxiproxy(): Promise<void> {
  if (!(await toxiproxyUp())) {
    const child = spawn(bin(), ['-host', '127.0.0.1', '-port', '8474'], { detached: true, stdio: 'ignore' });
    child.unref();
    await until(toxiproxyUp, 'toxiproxy to answer', 10_000);
  }
  for (const [name, [listen, upstream]] of Object.entries(PROXIES)) {
    await call('POST', '/proxies', { name, listen: `127.0.0.1:${listen}`, upstream: `127.0.0.1:${upstream}`, enabled: true });
  }
  await call('POST', '/reset');
}

function stopToxiproxy(): void {
  const pid = listenerPid(8474);
  if (pid) process.kill(pid, 'SIGTERM');
}

/** Whether the replicas run against the proxies now. */
export function isProxied(): boolean {
  return pm2Apps().every((a) => a.pm2_env.env?.REDIS_URL?.includes(':16379'));
}

/** Every replica onto the proxies (true) or back onto the real ports (false), then ready. */
export async function proxied(on: boolean): Promise<void> {
  if (on) await startToxiproxy();
  else if (await toxiproxyUp()) await call('POST', '/reset'); // whatever a scenario left, the way back is clear
  try {
    if (isProxied() !== on) {
      const eco = join(platformRoot(), 'ecosystem.config.cjs');
      await pm2Async(['startOrReload', eco, '--update-env'], { FAULT_PROXIES: on ? '1' : '0' });
      await until(async () => isProxied() === on || undefined, `the replicas to ${on ? 'use' : 'leave'} the proxies`, 120_000);
    }
    await allReady();
  } finally {
    if (!on) stopToxiproxy(); // whatever happened, no proxy outlives the fault run
  }
}

export interface Toxic {
  type: 'latency' | 'timeout' | 'reset_peer' | 'slow_close' | 'bandwidth' | 'limit_data';
  stream?: 'upstream' | 'downstream';
  attributes: Record<string, number>;
  toxicity?: number;
}

/** Adds a toxic to one proxy; returns its name for `removeToxic`. */
export async function addToxic(proxy: ProxyName, toxic: Toxic): Promise<string> {
  const name = `${toxic.type}_${toxic.stream ?? 'downstream'}`;
  await call('POST', `/proxies/${proxy}/toxics`, { name, stream: 'downstream', toxicity: 1, ...toxic });
  return name;
}

/**
 * Removing a toxic flushes what it holds; for a link whose client was killed, toxiproxy gives
 * each held chunk 5 s to be written before it drops it, and its API answers 503 after 25 s
 * while the removal goes on (seen in R4 with 7 s of confirms held for a killed order-1). So a
 * 503 is waited out, bounded: the toxic is gone once a DELETE answers 404.
 */
export async function removeToxic(proxy: ProxyName, name: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await call('DELETE', `/proxies/${proxy}/toxics/${name}`);
      return;
    } catch (err) {
      if (!/: 503 /.test(String(err)) || Date.now() > deadline) throw err;
    }
  }
}

/** Cuts a link (new connections refused, open ones closed), or brings it back. */
export async function setEnabled(proxy: ProxyName, enabled: boolean): Promise<void> {
  const [listen, upstream] = PROXIES[proxy];
  await call('POST', `/proxies/${proxy}`, { listen: `127.0.0.1:${listen}`, upstream: `127.0.0.1:${upstream}`, enabled });
}

/** Removes every toxic and re-enables every proxy. */
export async function resetToxics(): Promise<void> {
  await call('POST', '/reset');
}
