/**
 * A local three-master Redis Cluster for tests of `REDIS_NODES` (ports from
 * docs/conventions.md). Started on demand, left running (it is cheap), and shared by
 * every test file: calls are idempotent, serialised in-process by a memoised promise
 * and across processes by a lock directory, so two jest runs never create it twice.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const RUN_DIR = join(ROOT, '.run');
const CLUSTER_DIR = join(RUN_DIR, 'redis-cluster');
const LOCK_DIR = join(CLUSTER_DIR, '.lock');
const HOST = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(port), ...args], { timeout: 30_000 });
  return stdout;
}

/** `ok` only when this node sees every slot served and exactly the expected peers. */
async function nodeState(port: number, expectedNodes: number): Promise<'ok' | 'down' | 'bad'> {
  let info: string;
  try {
    info = await cli(port, 'cluster', 'info');
  } catch {
    return 'down';
  }
  if (/cluster support disabled/i.test(info)) {
    throw new Error(`127.0.0.1:${port} is a Redis without cluster support; stop it so the test cluster can use the port`);
  }
  if (!info.includes('cluster_state:')) return 'down'; // connection refused prints to stdout on some versions
  const known = Number(/cluster_known_nodes:(\d+)/.exec(info)?.[1]);
  return info.includes('cluster_state:ok') && known === expectedNodes ? 'ok' : 'bad';
}

async function allOk(ports: number[]): Promise<boolean> {
  const states = await Promise.all(ports.map((p) => nodeState(p, ports.length)));
  return states.every((s) => s === 'ok');
}

async function anySlotsAssigned(ports: number[]): Promise<boolean> {
  const infos = await Promise.all(ports.map((p) => cli(p, 'cluster', 'info').catch(() => '')));
  return infos.some((info) => Number(/cluster_slots_assigned:(\d+)/.exec(info)?.[1] ?? 0) > 0);
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(200);
  }
  return false;
}

async function startNode(port: number): Promise<void> {
  if ((await nodeState(port, 0)) !== 'down') return; // something cluster-enabled already answers
  const dir = join(CLUSTER_DIR, String(port));
  await mkdir(dir, { recursive: true });
  await mkdir(join(RUN_DIR, 'logs'), { recursive: true });
  await run('redis-server', [
    '--port', String(port),
    '--bind', HOST,
    '--dir', dir,
    '--cluster-enabled', 'yes',
    '--cluster-config-file', join(dir, 'nodes.conf'),
    '--cluster-node-timeout', '5000',
    '--appendonly', 'no',
    '--save', '', // test data only: no RDB snapshots either
    '--daemonize', 'yes',
    '--pidfile', join(dir, 'redis.pid'),
    '--logfile', join(RUN_DIR, 'logs', `redis-${port}.log`),
  ]);
  const up = await waitUntil(async () => (await nodeState(port, 0)) !== 'down', 10_000);
  if (!up) throw new Error(`redis-server on :${port} did not start; see .run/logs/redis-${port}.log`);
}

/** Forget any earlier cluster (a stale nodes.conf, a half-made create) and build a fresh one. */
async function createCluster(ports: number[]): Promise<void> {
  for (const port of ports) {
    await cli(port, 'flushall').catch(() => undefined); // replicas refuse writes; reset makes them masters
    await cli(port, 'cluster', 'reset', 'hard');
  }
  await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `${HOST}:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
    timeout: 60_000,
  });
}

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  await mkdir(CLUSTER_DIR, { recursive: true });
  for (const deadline = Date.now() + 120_000; ; ) {
    try {
      await mkdir(LOCK_DIR);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await lockIsStale()) await rm(LOCK_DIR, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK_DIR}`);
      else await sleep(250);
    }
  }
  await writeFile(join(LOCK_DIR, 'pid'), String(process.pid));
  try {
    return await work();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
}

/** A lock whose holder died (or that is older than any create could take) is taken over. */
async function lockIsStale(): Promise<boolean> {
  try {
    const [pid, info] = await Promise.all([readFile(join(LOCK_DIR, 'pid'), 'utf8').catch(() => ''), stat(LOCK_DIR)]);
    if (Date.now() - info.mtimeMs > 90_000) return true;
    if (!pid) return Date.now() - info.mtimeMs > 5_000;
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function ensure(ports: number[]): Promise<string> {
  const nodes = ports.map((p) => `${HOST}:${p}`).join(',');
  if (await allOk(ports)) return nodes;
  await withLock(async () => {
    if (await allOk(ports)) return; // another process finished it while we waited
    for (const port of ports) await startNode(port);
    // Nodes restarted from a good nodes.conf find each other again within a few seconds;
    // fresh nodes (no slots anywhere) never will, so they skip the wait.
    if ((await anySlotsAssigned(ports)) && (await waitUntil(() => allOk(ports), 8_000))) return;
    await createCluster(ports);
    if (!(await waitUntil(() => allOk(ports), 30_000))) {
      throw new Error(`Redis Cluster on ${nodes} did not reach cluster_state:ok; see .run/logs/redis-<port>.log`);
    }
  });
  return nodes;
}

const pending = new Map<string, Promise<string>>();

/** Makes sure the test cluster answers with cluster_state:ok; returns the `REDIS_NODES` string. */
export function ensureRedisCluster(ports: number[] = [7001, 7002, 7003]): Promise<string> {
  const key = ports.join(',');
  let p = pending.get(key);
  if (!p) {
    // Concurrent callers share one attempt; a later call checks again (it costs three PINGs).
    p = ensure(ports).finally(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}
