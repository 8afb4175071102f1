/**
 * Turns the k6 summaries of one benchmark run into results/<stamp>.json and
 * results/latest.md: throughput, latency percentiles, errors, the ratio to the static
 * baseline, the drop's correctness counters, the exact commands, and per scenario a chart of
 * throughput and p50/p99 latency over time (results/bench-<scenario>.svg, linked from the markdown).
 * Usage: tsx load-tests/report.ts <tmp dir> <results dir>
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { renderBenchChart, timelineOf, type TimelineBucket } from './charts/bench-charts.js';

type Metric = Record<string, number>;
type Summary = { metrics: Record<string, Metric> };

const [tmp, out] = process.argv.slice(2);
const read = (name: string): Summary | undefined =>
  existsSync(join(tmp, `${name}.json`)) ? (JSON.parse(readFileSync(join(tmp, `${name}.json`), 'utf8')) as Summary) : undefined;
const exitCodes = Object.fromEntries(
  readFileSync(join(tmp, 'exit-codes.txt'), 'utf8').trim().split('\n').map((l) => l.split(' ') as [string, string]),
);

const scenarios = ['baseline', 'cached-listing', 'browse', 'checkout', 'drop'];
const row = (name: string) => {
  const s = read(name);
  if (!s) return { name, missing: true };
  const d = s.metrics.http_req_duration ?? {};
  return {
    name,
    thresholdsPassed: exitCodes[name] === '0',
    rps: Math.round(s.metrics.http_reqs?.rate ?? 0),
    p50: d.med, p95: d['p(95)'], p99: d['p(99)'],
    errorRate: s.metrics.http_req_failed?.value ?? s.metrics.http_req_failed?.rate ?? 0,
  };
};
const rows = scenarios.map(row);
const base = rows.find((r) => r.name === 'baseline' && 'rps' in r) as { rps: number } | undefined;
const drop = read('drop')?.metrics ?? {};
const value = (m: string, k = 'value') => drop[m]?.[k] ?? drop[m]?.count ?? (k === 'count' ? 0 : undefined);
const dropCounters = {
  accepted: value('drop_accepted', 'count'),
  soldOut: value('drop_sold_out', 'count'),
  capped: value('drop_capped', 'count'),
  rateLimited: value('drop_rate_limited', 'count'),
  unexpected: value('drop_unexpected', 'count') ?? 0,
  shed503: value('drop_shed', 'count'),
  retriesNotReplayed: value('drop_retry_not_replayed', 'count'),
  keyDoubled: value('drop_key_doubled', 'count') ?? 0,
  sold: value('drop_sold'),
  oversold: value('drop_oversold'),
  unsold: value('drop_unsold'),
  lost: value('drop_lost'),
  ordersConfirmed: value('drop_orders_confirmed'),
  ordersOpen: value('drop_orders_open'),
  conserved: value('drop_conserved') === 1,
  reservationsLeft: value('drop_reservations_left'),
  settleSeconds: value('drop_settle_seconds'),
  soldOutP99Ms: drop.drop_sold_out_latency?.['p(99)'],
};
const backlog = existsSync(join(tmp, 'backlog.json')) ? JSON.parse(readFileSync(join(tmp, 'backlog.json'), 'utf8') || 'null') : null;
const commands = readFileSync(join(tmp, 'commands.txt'), 'utf8').trim();
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const at = new Date().toISOString();

// One chart per scenario that ran, from its per-bucket submetrics (load-tests/lib/timeline.js).
const bucketSec = Object.fromEntries(
  (existsSync(join(tmp, 'buckets.txt')) ? readFileSync(join(tmp, 'buckets.txt'), 'utf8').trim().split('\n') : []).filter(Boolean).map((l) => {
    const [name, sec] = l.split(' ');
    return [name, Number(sec)];
  }),
);
const timelines: Record<string, TimelineBucket[]> = {};
const charts: string[] = [];
for (const name of scenarios) {
  const s = read(name);
  if (!s || !bucketSec[name]) continue;
  timelines[name] = timelineOf(s.metrics, bucketSec[name]);
  if (timelines[name].length === 0) continue;
  writeFileSync(join(out, `bench-${name}.svg`), renderBenchChart(`Benchmark ${name} (${at.slice(0, 16)}Z)`, timelines[name], bucketSec[name]));
  charts.push(name);
}
const report = { at, machine: { cores: cpus().length, cpu: cpus()[0]?.model }, rows, drop: dropCounters, backlog, commands, timelines };
writeFileSync(join(out, `${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);

const fmt = (n?: number) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(n < 10 ? 2 : 0));
const lines = [
  `# Benchmark results (${report.at})`,
  '',
  `Everything (k6, nginx, services, Postgres, Redis, RabbitMQ, Keycloak) on one ${report.machine.cores}-core machine (${report.machine.cpu}).`,
  '',
  '| scenario | thresholds | req/s | p50 ms | p95 ms | p99 ms | errors | vs. static nginx |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map((r) =>
    'missing' in r
      ? `| ${r.name} | not run | | | | | | |`
      : `| ${r.name} | ${r.thresholdsPassed ? 'pass' : 'FAIL'} | ${r.rps} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${(r.errorRate * 100).toFixed(2)}% | ${base ? `${((r.rps / base.rps) * 100).toFixed(0)}%` : '–'} |`,
  ),
  '',
  '## Over time',
  '',
  charts.length ? 'Throughput (requests per second) and p50/p99 latency per time bucket, one chart per scenario:' : 'no chart (no scenario ran with the timeline)',
  '',
  ...charts.flatMap((name) => [`### ${name}`, '', `![${name}: throughput and latency over time](bench-${name}.svg)`, '']),
  '## The drop',
  '',
  '| counter | value |',
  '|---|---|',
  ...Object.entries(dropCounters).map(([k, v]) => `| ${k} | ${typeof v === 'number' ? fmt(v) : String(v)} |`),
  '',
  '## Event backlog',
  '',
  backlog ? `${backlog.events} events drained in ${backlog.seconds} s: **${backlog.perSecond}/s** (${backlog.note ?? ''})` : 'not run',
  '',
  '## Commands',
  '',
  '```',
  commands,
  '```',
  '',
];
// BENCH_REPORT: a subset's run beside latest.md instead of over it (bench.sh).
writeFileSync(join(out, process.env.BENCH_REPORT || 'latest.md'), lines.join('\n'));
console.log(lines.join('\n'));
