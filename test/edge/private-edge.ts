/**
 * A private copy of the edge for tests that need the upstreams to misbehave: the real
 * template rendered into a temp dir, listening on a free loopback port, with every
 * upstream server pointed at stub replicas the test controls. The live edge at :8000
 * and the platform's replicas are not touched.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, run } from './edge-files.js';

export interface Stub {
  port: number;
  hits: number;
  close(): Promise<void>;
}

/** An HTTP server on a free loopback port that answers every request with `handler`. */
export async function stubReplica(handler: http.RequestListener): Promise<Stub> {
  const stub = { port: 0, hits: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    stub.hits++;
    req.resume();
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.port = (server.address() as AddressInfo).port;
  stub.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return stub;
}

/** A loopback port nothing listens on (bound, then let go). */
export async function freePort(): Promise<number> {
  const s = await stubReplica(() => {});
  const { port } = s;
  await s.close();
  return port;
}

export interface PrivateEdge {
  url: string;
  dir: string;
  conf: string;
  stop(): Promise<void>;
}

/**
 * Renders nginx/edge.conf.template with `${ROOT}` at a temp dir, `listen` on a free port
 * and the n-th server of every upstream at `ports[n]`, and starts nginx on it.
 */
export async function startPrivateEdge(ports: number[]): Promise<PrivateEdge> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-'));
  mkdirSync(join(dir, '.run', 'nginx', 'cache'), { recursive: true });
  mkdirSync(join(dir, '.run', 'logs'), { recursive: true });
  // The template includes files from the repo's nginx/ by ${ROOT}: give the copy its own.
  mkdirSync(join(dir, 'nginx'), { recursive: true });
  copyFileSync(join(ROOT, 'nginx', 'storefront.inc'), join(dir, 'nginx', 'storefront.inc'));
  const port = await freePort();
  const text = readFileSync(join(ROOT, 'nginx', 'edge.conf.template'), 'utf8').replaceAll('${ROOT}', dir);
  let n = 0;
  const conf = text
    .replace(/listen 127\.0\.0\.1:8000\b/, `listen 127.0.0.1:${port}`)
    .replace(/(upstream [a-z]+ \{)|server 127\.0\.0\.1:\d+/g, (m, head: string | undefined) => {
      if (head) {
        n = 0;
        return head;
      }
      return `server 127.0.0.1:${ports[n++ % ports.length]}`;
    });
  const confPath = join(dir, '.run', 'nginx', 'nginx.conf');
  writeFileSync(confPath, conf);
  const args = ['-e', join(dir, '.run', 'logs', 'nginx-start.log'), '-c', confPath, '-p', join(dir, '.run', 'nginx') + '/'];
  await run('nginx', args, { timeout: 20_000 });
  const pidFile = join(dir, '.run', 'nginx', 'nginx.pid');
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    conf,
    stop: async () => {
      try {
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        if (pid > 0) {
          process.kill(pid, 'SIGQUIT');
          for (let i = 0; i < 100; i++) {
            try {
              process.kill(pid, 0);
            } catch {
              break;
            }
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
