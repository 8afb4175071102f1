/**
 * The faults the matrix injects into the running native platform, and the way back. Kill and
 * stop faults use the real servers (kill -9 by the pid that owns the port, pg_ctlcluster,
 * redis-cli, pm2); `heal()` runs test/faults/heal.sh (the stack's own start steps) and waits
 * until every replica is ready again. Only for a machine that runs its own servers: the suite
 * is skipped with STACK_EXTERNAL_INFRA=1 (scripts/test.sh).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES, replicaPorts } from '../stack.js';
import { EDGE, until } from '../e2e/api.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const run = (cmd: string, args: string[], timeout = 60_000) =>
  execFileSync(cmd, args, { stdio: 'pipe', timeout, encoding: 'utf8' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pid listening on 127.0.0.1:PORT (from ss), or undefined. */
export function listenerPid(port: number): number | undefined {
  const out = run('ss', ['-Hltnp', `sport = :${port}`]);
  const m = /pid=(\d+)/.exec(out);
  return m ? Number(m[1]) : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function killHard(pid: number, what: string): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await until(async () => !alive(pid), `${what} (pid ${pid}) to die`, 15_000);
}

/** RabbitMQ's node (beam.smp owns the AMQP port) killed with SIGKILL: no clean close for anyone. */
export async function killRabbit(): Promise<void> {
  const pid = listenerPid(5672);
  if (!pid) throw new Error('nothing listens on 5672');
  await killHard(pid, 'RabbitMQ');
}

/** The Postgres postmaster killed with SIGKILL; its backends notice and exit on their own. */
export async function killPostgres(): Promise<void> {
  const pid = listenerPid(5432);
  if (!pid) throw new Error('nothing listens on 5432');
  await killHard(pid, 'the postmaster');
  // A new postmaster refuses to start while an orphaned backend still holds shared memory.
  await until(async () => !run('ps', ['-o', 'pid=', '--ppid', String(pid)]).trim() || undefined, 'the backends to exit', 15_000).catch(() => undefined);
}

/** Redis stopped (its data is disposable here: no persistence, docs/decisions.md). */
export function stopRedis(): void {
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'shutdown', 'nosave'], { timeout: 10_000 });
}

const execFileAsync = promisify(execFile);

/**
 * Every server back (the stack's own start steps), then every replica ready. Asynchronous, as
 * is `pm2Async`: the scenario's load keeps sending while the platform heals.
 */
export async function heal(): Promise<void> {
  try {
    await execFileAsync('bash', [join(ROOT, 'test', 'faults', 'heal.sh')], { encoding: 'utf8', timeout: 240_000 });
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`heal.sh failed (${e.code}):\n${e.stdout}\n${e.stderr}`);
  }
  await allReady();
}

async function ready(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Every replica of every service answers /health/ready, and the edge serves the catalog. */
export async function allReady(timeoutMs = 120_000): Promise<void> {
  const ports = SERVICES.flatMap(replicaPorts);
  await until(async () => (await Promise.all(ports.map(ready))).every(Boolean), 'every replica to be ready', timeoutMs);
  await until(async () => (await fetch(`${EDGE}/api/products?limit=1`)).ok, 'the edge to serve the catalog', 30_000);
}

// ---- pm2 ----------------------------------------------------------------------------

/** PM2_HOME of the running platform: the environment's, else this checkout's .run/pm2. */
const PM2_HOME = process.env.PM2_HOME ?? join(ROOT, '.run', 'pm2');

/**
 * pm2 against the platform's daemon, with a bare environment: `--update-env` hands the
 * caller's variables to every replica, and a jest process's (NODE_OPTIONS, FAULTS, ...) must
 * not end up in the services. `env` adds the ones meant for them (FAULT_PROXIES).
 */
const pm2Options = (env: Record<string, string>) => ({
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', PM2_HOME, ...env },
  encoding: 'utf8' as const,
  // A full reload goes one replica at a time (scripts/pm2.sh): 149-176 s for 12 here, more when busy.
  timeout: 480_000,
});
/** scripts/pm2.sh: pm2 acting on one app at a time, so a reload never stops a service's twins together. */
const PM2_BIN = join(ROOT, 'scripts', 'pm2.sh');

export function pm2(args: string[], env: Record<string, string> = {}): string {
  return execFileSync(PM2_BIN, args, { ...pm2Options(env), stdio: 'pipe' });
}

/** pm2 without blocking the event loop (a reload takes tens of seconds; the load must go on). */
export async function pm2Async(args: string[], env: Record<string, string> = {}): Promise<string> {
  return (await execFileAsync(PM2_BIN, args, pm2Options(env))).stdout;
}

interface Pm2App {
  name: string;
  pid: number;
  pm2_env: { status: string; pm_cwd: string; restart_time: number; env?: Record<string, string> };
}

export function pm2Apps(): Pm2App[] {
  return (JSON.parse(pm2(['jlist'])) as Pm2App[]).filter((a) => /^(user|product|cart|order|inventory|email)-\d+$/.test(a.name));
}

/** The checkout the platform's replicas run from (the process file to reload them with). */
export function platformRoot(): string {
  const cwd = pm2Apps()[0]?.pm2_env.pm_cwd;
  if (!cwd || !existsSync(join(cwd, 'ecosystem.config.cjs'))) throw new Error('no replica of the platform under pm2');
  return cwd;
}

/** The pid of one replica (`order-1`). */
export function replicaPid(name: string): number {
  const app = pm2Apps().find((a) => a.name === name);
  if (!app || !app.pid) throw new Error(`${name} is not running under pm2`);
  return app.pid;
}

/**
 * SIGKILL one replica (`first` runs just before, once its pid is known), run `meanwhile`
 * (say, heal a link), then wait until pm2 has started it again and every replica is ready.
 */
export async function killReplica(name: string, meanwhile: () => Promise<unknown> = async () => undefined, first: () => Promise<unknown> = async () => undefined): Promise<void> {
  const pid = replicaPid(name);
  await first();
  await killHard(pid, name);
  await meanwhile();
  await until(async () => {
    const app = pm2Apps().find((a) => a.name === name);
    return app && app.pid && app.pid !== pid && app.pm2_env.status === 'online' ? true : undefined;
  }, `pm2 to restart ${name}`, 60_000);
  await allReady();
}

/** The platform's Redis, RabbitMQ and PgBouncer ports a replica was started with. */
export function replicaEnv(name: string): Record<string, string> {
  const app = pm2Apps().find((a) => a.name === name);
  return app?.pm2_env.env ?? {};
}

export { sleep };

/** RabbitMQ's memory high watermark (a fraction of RAM, "0.4" by default); a tiny one raises the memory alarm. */
export async function rabbitWatermark(fraction: string): Promise<void> {
  await execFileAsync('rabbitmqctl', ['set_vm_memory_high_watermark', fraction], { timeout: 60_000 });
}

export async function rabbitAlarm(): Promise<boolean> {
  return ((await (await rabbitApi('GET', '/nodes')).json()) as Array<{ mem_alarm: boolean }>).some((n) => n.mem_alarm);
}

// ---- RabbitMQ's management API --------------------------------------------------------

export const RABBIT_API = process.env.RABBIT_API ?? 'http://127.0.0.1:15672/api';
const RABBIT_AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;

/** One call to the local broker's management API, as its administrator; a 404 is the caller's to read. */
export async function rabbitApi(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(`${RABBIT_API}${path}`, {
    method,
    headers: { authorization: RABBIT_AUTH, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok && res.status !== 404) throw new Error(`RabbitMQ ${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

/**
 * The broker closes the connections one client named itself with (every replica names its
 * connection after itself: `inventory-1`) at once, as it does for a client whose host is
 * gone: its channels die and every message they held unacknowledged goes back to its queue.
 * Whatever that client sent that had not reached the broker yet (acks held in toxiproxy) is
 * never read. Resolves with how many it closed.
 */
export async function dropBrokerConnections(connectionName: string): Promise<number> {
  const conns = (await (await rabbitApi('GET', '/connections?columns=name,client_properties.connection_name')).json()) as Array<{ name: string; client_properties?: { connection_name?: string } }>;
  const mine = conns.filter((c) => c.client_properties?.connection_name === connectionName);
  await Promise.all(mine.map((c) => rabbitApi('DELETE', `/connections/${encodeURIComponent(c.name)}`, undefined, { 'x-reason': 'fault matrix: the client is gone' })));
  return mine.length;
}
