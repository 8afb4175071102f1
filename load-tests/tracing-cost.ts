/**
 * What tracing costs in CPU: three extra product replicas of this checkout's compiled build, the
 * same in all but one variable (tracing every request to the stack's Jaeger, a tenth of them, and
 * OTEL_SDK_DISABLED=true), take the same open-model load in turns (on, 10 %, off, on, ...,
 * k6's browse mix at a fixed arrival rate, straight at the replica), and each turn's CPU per
 * request is read from /proc (utime + stime) of the replica and of Jaeger.
 * Needs the platform up (npm run up: the build, k6, Jaeger) and nothing else loading the box
 * (run it under /work/bin/exclusive). Writes load-tests/results/tracing-cost.{json,md}.
 *   npx tsx load-tests/tracing-cost.ts [--rate 400] [--seconds 20] [--rounds 2]
 * The output goes to this checkout's load-tests/results (or --out, relative to it).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CHECKOUT, clockTicksPerSecond, loadScript } from './lib/script.js';

// STACK_ROOT: another checkout's build, tools and pm2 file (a worktree without its own .run/).
const { root: ROOT, k6: K6, log } = loadScript('tracing-cost', { stack: process.env.STACK_ROOT });
const { values: flag } = parseArgs({
  options: {
    rate: { type: 'string', default: '400' },
    seconds: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    out: { type: 'string', default: 'load-tests/results' },
  },
});
const RATE = Number(flag.rate);
const SECONDS = Number(flag.seconds);
const ROUNDS = Number(flag.rounds);
const NODE = existsSync(join(ROOT, '.run/tools/node/bin/node')) ? join(ROOT, '.run/tools/node/bin/node') : 'node';
const TICK = clockTicksPerSecond();
const tmp = mkdtempSync(join(tmpdir(), 'tracing-cost-'));

const { serviceEnv } = createRequire(import.meta.url)(join(ROOT, 'ecosystem.config.cjs')) as {
  serviceEnv: (name: string, instance: string, port: number) => Record<string, string>;
};

interface Variant {
  name: 'tracing on' | 'tracing 10 %' | 'tracing off';
  port: number;
  env: Record<string, string>;
  proc?: ChildProcess;
}
// Ports 4017-4019: product replicas 7 to 9, free unless REPLICAS > 6. "tracing 10 %" samples a
// tenth of new traces (the SDK still makes a non-recording span for the others).
const variants: Variant[] = [
  { name: 'tracing on', port: 4017, env: { OTEL_TRACES_SAMPLER: 'parentbased_always_on' } },
  { name: 'tracing 10 %', port: 4018, env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' } },
  { name: 'tracing off', port: 4019, env: { OTEL_SDK_DISABLED: 'true' } },
];

const cpuTicks = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
};
function jaegerPid(): number | undefined {
  const file = join(ROOT, '.run/pids/jaeger.pid');
  const pid = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
  return Number.isInteger(pid) && existsSync(`/proc/${pid}`) ? pid : undefined;
}

async function start(v: Variant): Promise<void> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...serviceEnv('product', `product-${v.port}`, v.port), ...v.env };
  v.proc = spawn(NODE, ['--conditions=shop-dist', '--import', './packages/telemetry/dist/register.js', 'services/product/dist/main.js'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  for (let i = 0; i < 120; i++) {
    const ok = await fetch(`http://127.0.0.1:${v.port}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${v.name} replica on :${v.port} did not become ready`);
}

function k6(v: Variant, seconds: number, label: string): { requests: number; p50: number; p99: number; failed: number; dropped: number } {
  const summary = join(tmp, `${label}.json`);
  const args = ['run', '--quiet', '--summary-trend-stats', 'med,p(99)', '--summary-export', summary,
    '-e', `BASE_URL=http://127.0.0.1:${v.port}`, '-e', `RATE=${RATE}`, '-e', `DURATION=${seconds}s`, 'load-tests/browse.js'];
  try {
    execFileSync(K6, args, { cwd: ROOT, stdio: 'ignore' });
  } catch {
    // browse.js' latency thresholds are the edge's; here only the numbers are wanted.
  }
  const m = (JSON.parse(readFileSync(summary, 'utf8')) as { metrics: Record<string, Record<string, number>> }).metrics;
  return { requests: m.http_reqs.count, p50: m.http_req_duration.med, p99: m.http_req_duration['p(99)'], failed: m.http_req_failed.value ?? 0, dropped: m.dropped_iterations?.count ?? 0 };
}

interface Turn {
  variant: Variant['name'];
  round: number;
  requests: number;
  replicaCpuMs: number;
  jaegerCpuMs: number | null;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  dropped: number;
}

async function main(): Promise<void> {
  if (!existsSync(K6)) throw new Error('k6 not found: npm run up builds it');
  if (!existsSync(join(ROOT, 'services/product/dist/main.js'))) throw new Error('no build: npm run build');
  const jaeger = jaegerPid();
  const turns: Turn[] = [];
  try {
    for (const v of variants) await start(v);
    // Warm both up (JIT, caches, connections) before anything is measured.
    for (const v of variants) k6(v, 10, `warm-${v.port}`);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const v of variants) {
        const pid = v.proc!.pid!;
        const [c0, j0] = [cpuTicks(pid), jaeger ? cpuTicks(jaeger) : 0];
        const r = k6(v, SECONDS, `${v.port}-${round}`);
        // The last spans of the turn leave within the exporter's 5 s batch delay; both variants
        // wait as long, so both count the same idle time.
        await new Promise((res) => setTimeout(res, 5_500));
        const [c1, j1] = [cpuTicks(pid), jaeger ? cpuTicks(jaeger) : 0];
        const turn: Turn = {
          variant: v.name,
          round,
          requests: r.requests,
          replicaCpuMs: ((c1 - c0) * 1000) / TICK,
          jaegerCpuMs: jaeger ? ((j1 - j0) * 1000) / TICK : null,
          p50Ms: +r.p50.toFixed(2),
          p99Ms: +r.p99.toFixed(2),
          failed: r.failed,
          dropped: r.dropped,
        };
        turns.push(turn);
        log(v.name, `round ${round}:`, JSON.stringify(turn));
      }
    }
  } finally {
    for (const v of variants) v.proc?.kill('SIGINT');
  }
  report(turns, jaeger !== undefined);
}

function report(turns: Turn[], withJaeger: boolean): void {
  const sum = (name: Variant['name'], pick: (t: Turn) => number) => turns.filter((t) => t.variant === name).reduce((n, t) => n + pick(t), 0);
  const per = (name: Variant['name']) => {
    const requests = sum(name, (t) => t.requests);
    return {
      requests,
      replicaUsPerRequest: +((sum(name, (t) => t.replicaCpuMs) * 1000) / requests).toFixed(1),
      jaegerUsPerRequest: withJaeger ? +((sum(name, (t) => t.jaegerCpuMs ?? 0) * 1000) / requests).toFixed(1) : null,
      p50Ms: +(sum(name, (t) => t.p50Ms) / ROUNDS).toFixed(2),
      p99Ms: +(sum(name, (t) => t.p99Ms) / ROUNDS).toFixed(2),
    };
  };
  const on = per('tracing on');
  const tenth = per('tracing 10 %');
  const off = per('tracing off');
  const over = (v: { replicaUsPerRequest: number }) => +(((v.replicaUsPerRequest - off.replicaUsPerRequest) / off.replicaUsPerRequest) * 100).toFixed(1);
  const overhead = over(on);
  const tenthOverhead = over(tenth);
  const command = `${process.env.STACK_ROOT ? `STACK_ROOT=${process.env.STACK_ROOT} ` : ''}npx tsx load-tests/tracing-cost.ts --rate ${RATE} --seconds ${SECONDS} --rounds ${ROUNDS}`;
  const at = new Date().toISOString();
  const result = { at, machine: { cores: cpus().length, cpu: cpus()[0]?.model }, command, rate: RATE, seconds: SECONDS, rounds: ROUNDS, on, tenth, off, replicaOverheadPercent: overhead, tenthReplicaOverheadPercent: tenthOverhead, turns };
  const out = resolve(CHECKOUT, flag.out!);
  writeFileSync(join(out, 'tracing-cost.json'), `${JSON.stringify(result, null, 2)}\n`);
  const fmt = (n: number | null) => (n === null ? '–' : String(n));
  writeFileSync(
    join(out, 'tracing-cost.md'),
    [
      `# What tracing costs (${at.slice(0, 16)}Z)`,
      '',
      `Three extra product replicas of the compiled build on one ${cpus().length}-core machine, the same but for tracing: every request`,
      'sampled (`parentbased_always_on`, OTLP/HTTP to the stack\'s Jaeger), a tenth of new traces (`parentbased_traceidratio`, 0.1),',
      `and \`OTEL_SDK_DISABLED=true\`, took the same load in turns (${ROUNDS} rounds of the three): k6's browse mix (listings, searches, product pages) at ${RATE} requests/s`,
      `for ${SECONDS} s a turn, straight at the replica. CPU from /proc (utime + stime) of the replica and of Jaeger over each turn.`,
      '',
      '| | requests | replica CPU µs / request | Jaeger CPU µs / request | p50 ms | p99 ms |',
      '|---|---|---|---|---|---|',
      `| tracing on | ${on.requests} | ${on.replicaUsPerRequest} | ${fmt(on.jaegerUsPerRequest)} | ${on.p50Ms} | ${on.p99Ms} |`,
      `| tracing 10 % | ${tenth.requests} | ${tenth.replicaUsPerRequest} | ${fmt(tenth.jaegerUsPerRequest)} | ${tenth.p50Ms} | ${tenth.p99Ms} |`,
      `| tracing off | ${off.requests} | ${off.replicaUsPerRequest} | ${fmt(off.jaegerUsPerRequest)} | ${off.p50Ms} | ${off.p99Ms} |`,
      '',
      `Tracing every request costs the replica **${overhead} %** more CPU per request; sampling a tenth, **${tenthOverhead} %**.`,
      '',
      '| turn | variant | requests | replica CPU ms | Jaeger CPU ms | p50 ms | p99 ms | failed | dropped |',
      '|---|---|---|---|---|---|---|---|---|',
      ...turns.map((t) => `| ${t.round} | ${t.variant} | ${t.requests} | ${t.replicaCpuMs} | ${fmt(t.jaegerCpuMs)} | ${t.p50Ms} | ${t.p99Ms} | ${t.failed} | ${t.dropped} |`),
      '',
      'Command (under `/work/bin/exclusive`, the platform up):',
      '',
      '```',
      command,
      '```',
      '',
    ].join('\n'),
  );
  console.log(JSON.stringify({ on, tenth, off, replicaOverheadPercent: overhead, tenthReplicaOverheadPercent: tenthOverhead }, null, 1));
}

await main();
