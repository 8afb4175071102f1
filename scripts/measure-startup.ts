/**
 * Start-up time and memory of one service, run from its TypeScript through tsx and compiled
 * (dist/, npm run build), against the test servers (its <service>_test database, vhost
 * test-<service>, Redis database 1), never the running platform. Interleaved runs; prints one
 * JSON line per run and a median per mode.
 *
 *   /work/bin/tsvc order npx tsx scripts/measure-startup.ts order 3
 *
 * ready_ms: spawn to the first 200 from /health/ready. rss_kb: /proc/<pid>/status VmRSS
 * SETTLE_MS after ready (idle, nothing asked of it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { testEnv } from '@shop/testing';

const [name = 'order', runsArg = '3'] = process.argv.slice(2);
const RUNS = Number(runsArg);
const SETTLE_MS = 3_000;
/** The replicas' node (Node 24 where scripts/lib/prereqs.sh installed it), as pm2 runs them. */
const NODE = existsSync('.run/tools/node/bin/node') ? '.run/tools/node/bin/node' : process.execPath;
const MODES = {
  tsx: ['--import', 'tsx', `services/${name}/src/main.ts`],
  dist: ['--conditions=shop-dist', `services/${name}/dist/main.js`],
} as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const rssKb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

async function once(mode: keyof typeof MODES): Promise<{ mode: string; ready_ms: number; rss_kb: number }> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(NODE, [...MODES[mode]], { env: { PATH: process.env.PATH ?? '', ...testEnv(name), PORT: String(port) }, stdio: 'ignore' });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} (${mode}) exited with ${child.exitCode}`);
      if (performance.now() - started > 60_000) throw new Error(`${name} (${mode}) not ready in 60 s`);
      const ok = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
      if (ok) break;
      await sleep(50);
    }
    const ready = performance.now() - started;
    await sleep(SETTLE_MS);
    return { mode, ready_ms: Math.round(ready), rss_kb: rssKb(child.pid!) };
  } finally {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([gone, sleep(10_000).then(() => child.kill('SIGKILL'))]);
  }
}

const results: Array<{ mode: string; ready_ms: number; rss_kb: number }> = [];
for (let i = 0; i < RUNS; i++) {
  for (const mode of ['tsx', 'dist'] as const) {
    const r = await once(mode);
    results.push(r);
    console.log(JSON.stringify({ service: name, run: i + 1, ...r }));
  }
}
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const mode of Object.keys(MODES)) {
  const rs = results.filter((r) => r.mode === mode);
  console.log(JSON.stringify({ service: name, mode, runs: rs.length, median_ready_ms: median(rs.map((r) => r.ready_ms)), median_rss_kb: median(rs.map((r) => r.rss_kb)) }));
}
