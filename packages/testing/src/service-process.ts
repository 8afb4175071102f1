/**
 * Another service, for real, as a child process: `node --import tsx services/<name>/src/main.ts`,
 * as pm2 runs it. A service's tests use this instead of stubbing a peer, since a service may
 * not import another service's code. Output goes to .run/logs/test-<name>.log (appended).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const LOGS = join(ROOT, '.run', 'logs');
const HOST = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ServiceProcess {
  url: string;
  port: number;
  /** `127.0.0.1:<port>` of its gRPC server (GRPC_PORT, given to every child; cart and inventory serve on it). */
  grpcAddress: string;
  /** SIGTERM (the service drains and closes), SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

export interface ServiceProcessOptions {
  readyTimeoutMs?: number;
}

export const serviceLogPath = (name: string): string => join(LOGS, `test-${name}.log`);

/**
 * Children must not outlive the test process, however it ends (--forceExit, a crash, SIGKILL).
 * An exit hook in the parent cannot promise that (jest hands tests a copy of `process` whose
 * 'exit' never fires), so each child holds an IPC channel to us and, when it drops, sends
 * itself SIGTERM: the service's own graceful shutdown.
 */
const WATCH_PARENT = `data:text/javascript,${encodeURIComponent(
  // unref: the channel alone must not keep a one-shot script (migrate.ts) from exiting.
  "process.on('disconnect', () => process.kill(process.pid, 'SIGTERM')); process.channel?.unref();",
)}`;

/** A port nothing listens on now. Another process may take it before the child binds; start() retries. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function openLog(name: string, heading: string): number {
  mkdirSync(LOGS, { recursive: true });
  const fd = openSync(serviceLogPath(name), 'a');
  writeSync(fd, `\n--- ${new Date().toISOString()} ${heading}\n`);
  return fd;
}

function logTail(name: string, lines = 20): string {
  try {
    return readFileSync(serviceLogPath(name), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Only what is given, plus PATH: the parent's variables (NODE_OPTIONS from jest, say) stay out. */
function spawnScript(name: string, script: string, env: Record<string, string>): ChildProcess {
  const fd = openLog(name, `${script}.ts ${env.PORT ? `on :${env.PORT}` : ''}`.trim());
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', WATCH_PARENT, join('services', name, 'src', `${script}.ts`)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', fd, fd, 'ipc'],
  });
  closeSync(fd); // the child holds its own copy
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once('exit', (code) => r(code)));
}

/** Runs services/<name>/src/<script>.ts to completion (e.g. `migrate` with DATABASE_URL); throws on a non-zero exit. */
export async function runServiceScript(name: string, script: string, env: Record<string, string>): Promise<void> {
  const code = await exited(spawnScript(name, script, env));
  if (code !== 0) throw new Error(`${name}/${script}.ts exited with ${code}; ${serviceLogPath(name)} ends:\n${logTail(name)}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await done;
  clearTimeout(timer);
}

async function ready(url: string, child: ChildProcess, timeoutMs: number): Promise<'ready' | 'exited' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return 'exited';
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.ok) return 'ready';
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  return 'timeout';
}

/**
 * Starts services/<name>/src/main.ts with exactly `env` (plus PATH and a free PORT) and
 * resolves once GET /health/ready answers 200. Call stop() in afterAll.
 */
export async function startServiceProcess(
  name: string,
  env: Record<string, string>,
  { readyTimeoutMs = 30_000 }: ServiceProcessOptions = {},
): Promise<ServiceProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // Always a free one: a service's default gRPC port is the running platform's.
    const grpcPort = await freePort();
    const url = `http://${HOST}:${port}`;
    const child = spawnScript(name, 'main', { ...env, PORT: String(port), GRPC_PORT: String(grpcPort) });
    const state = await ready(url, child, readyTimeoutMs);
    if (state === 'ready') return { url, port, grpcAddress: `${HOST}:${grpcPort}`, stop: () => stopChild(child) };
    await stopChild(child);
    const tail = logTail(name);
    // Lost the port to someone else between freePort() and the child's listen: try another.
    if (state === 'exited' && attempt < 3 && tail.includes('EADDRINUSE')) continue;
    const why = state === 'exited' ? `exited (code ${child.exitCode}, signal ${child.signalCode})` : `was not ready within ${readyTimeoutMs} ms`;
    throw new Error(`${name} service ${why}; ${serviceLogPath(name)} ends:\n${tail}`);
  }
}
