/**
 * The measurements behind docs/capacity.md: for each hot route, a fixed-rate k6 run
 * (load-tests/capacity.js) against the running platform, and the CPU time every part of the
 * stack spent meanwhile (/proc/<pid>/stat utime+stime, summed per service and per server),
 * less what it spends idle, divided by the requests k6 counted. Also the Postgres transactions
 * and rows written (pg_stat_database), Redis commands (INFO stats) and broker messages
 * (management API) per request, and the static-nginx baseline (:8099) in the same run.
 *
 *   /work/bin/exclusive npx tsx load-tests/capacity.ts --label r2 [--buyers 1000] [--scale 1] [--platform DIR]
 *
 * --platform: the checkout whose stack is running (default: this one); its nginx/baseline.sh
 * and .run/state/replicas are used, nothing is written there.
 *
 * Run it alone on the machine (under /work/bin/exclusive here): everything else's CPU lands in
 * the idle figure it subtracts, and load elsewhere inflates every number. Writes
 * load-tests/results/capacity-<label>.json (raw: every sample, every k6 summary) and prints a table.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { call, sleep } from './drop-rehearsal/http.js';
import { signedInBuyers } from './drop-rehearsal/buyers.js';
import { clockTicksPerSecond, loadScript } from './lib/script.js';

const { values: flag } = parseArgs({
  options: {
    label: { type: 'string', default: 'run' },
    buyers: { type: 'string', default: '1000' },
    /** Multiplies every route's rate (0.5 on a busy machine). */
    scale: { type: 'string', default: '1' },
    idle: { type: 'string', default: '10' },
    only: { type: 'string' },
    platform: { type: 'string' },
  },
});
const { root: HERE, k6: K6, log } = loadScript('capacity');
const PLATFORM = resolve(flag.platform ?? HERE);
const EDGE = 'http://127.0.0.1:8000';
const TICK = clockTicksPerSecond();
const SCALE = Number(flag.scale);
const OUT_DIR = join(HERE, 'load-tests/results');
const TMP = join(HERE, '.run/capacity', flag.label!);
mkdirSync(TMP, { recursive: true });

// ---- what each process is -------------------------------------------------------------
function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}
function stat(pid: string): { ppid: string; ticks: number; comm: string } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const comm = s.slice(s.indexOf('(') + 1, close);
    const f = s.slice(close + 2).split(' '); // f[0] is field 3 (state)
    return { ppid: f[1], ticks: Number(f[11]) + Number(f[12]), comm };
  } catch {
    return undefined;
  }
}
function group(pid: string, ppid: string, comm: string, cmd: string, cmds: Map<string, string>): string {
  const svc = /services\/(\w+)\/(?:dist|src)\/main\.(?:js|ts)/.exec(cmd);
  if (svc) return `svc:${svc[1]}`;
  if (comm === 'postgres' || cmd.startsWith('postgres')) return 'postgres';
  if (comm === 'pgbouncer') return 'pgbouncer';
  if (comm.startsWith('redis-server')) return cmd.includes(':6379') ? 'redis' : 'redis-other';
  if (comm === 'beam.smp' || comm === 'erl_child_setup' || comm === 'epmd' || comm === 'inet_gethost') return 'rabbitmq';
  if (comm === 'nginx') {
    const master = cmd.includes('master') ? cmd : (cmds.get(ppid) ?? '');
    if (master.includes('baseline')) return 'nginx-baseline';
    if (master.includes('.run/nginx/nginx.conf')) return 'nginx-edge';
    return 'nginx-other';
  }
  if (comm === 'k6') return 'k6';
  if (comm === 'java' && cmd.includes('keycloak')) return 'keycloak';
  return 'other';
}
type Sample = { at: number; byPid: Map<string, { g: string; ticks: number }> };
function sample(): Sample {
  const cmds = new Map<string, string>();
  const raw: Array<[string, { ppid: string; ticks: number; comm: string }]> = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    const s = stat(pid);
    if (!s) continue;
    cmds.set(pid, cmdline(pid));
    raw.push([pid, s]);
  }
  const byPid = new Map<string, { g: string; ticks: number }>();
  for (const [pid, s] of raw) byPid.set(pid, { g: group(pid, s.ppid, s.comm, cmds.get(pid)!, cmds), ticks: s.ticks });
  return { at: performance.now(), byPid };
}
/** CPU ms per group between two samples (a process born in between counts from its start). */
function cpuMs(a: Sample, b: Sample): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, v] of b.byPid) {
    const before = a.byPid.get(pid);
    const d = v.ticks - (before && before.g === v.g ? before.ticks : 0);
    out[v.g] = (out[v.g] ?? 0) + (d * 1000) / TICK;
  }
  return out;
}

// ---- the servers' own counters ----------------------------------------------------------
function redisCommands(): number {
  return Number(/total_commands_processed:(\d+)/.exec(execFileSync('redis-cli', ['-p', '6379', 'info', 'stats'], { encoding: 'utf8' }))?.[1]);
}
function pgCounters(): Record<string, number> {
  const sql = "SELECT coalesce(sum(xact_commit),0), coalesce(sum(tup_inserted),0), coalesce(sum(tup_updated),0), coalesce(sum(tup_deleted),0) FROM pg_stat_database WHERE datname LIKE '%\\_db'";
  const out = execFileSync('runuser', ['-u', 'postgres', '--', 'psql', '-XtA', '-F', ' ', '-c', sql], { encoding: 'utf8' }).trim().split(' ').map(Number);
  return { commits: out[0], inserted: out[1], updated: out[2], deleted: out[3] };
}
const MGMT = { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` };
async function brokerCounters(): Promise<Record<string, number>> {
  const o = (await (await fetch('http://127.0.0.1:15672/api/overview', { headers: MGMT })).json()) as { message_stats?: Record<string, number> };
  const m = o.message_stats ?? {};
  return { published: m.publish ?? 0, delivered: m.deliver_get ?? 0, acked: m.ack ?? 0 };
}
async function queuedMessages(): Promise<number> {
  const qs = (await (await fetch('http://127.0.0.1:15672/api/queues/%2F?columns=name,messages', { headers: MGMT })).json()) as Array<{ name: string; messages?: number }>;
  return qs.filter((q) => !q.name.endsWith('.dlq') && !q.name.includes('backlog')).reduce((n, q) => n + (q.messages ?? 0), 0);
}
type Counters = { redis: number; pg: Record<string, number>; broker: Record<string, number> };
const counters = async (): Promise<Counters> => ({ redis: redisCommands(), pg: pgCounters(), broker: await brokerCounters() });
const diff = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - (a[k] ?? 0)]));

// ---- preparing the data ---------------------------------------------------------------
const replicasFile = join(PLATFORM, '.run/state/replicas');
const replicas = Number((existsSync(replicasFile) ? readFileSync(replicasFile, 'utf8').trim() : '') || '2');
const admin = (await call(EDGE, 'POST', '/api/auth/login', {}, { email: 'admin@shop.local', password: 'Admin-pass-123!' })).body.accessToken as string;
const adminAuth = { authorization: `Bearer ${admin}` };
log(`replicas: ${replicas}; signing in ${flag.buyers} buyers`);
const { buyers } = await signedInBuyers(join(HERE, '.run/capacity/buyers.json'), Number(flag.buyers), log);
const tokens = buyers.map((b) => b.accessToken!);
const productIds = ((await call(EDGE, 'GET', '/api/products?limit=100')).body.items as Array<{ id: string }>).map((p) => p.id);
const runId = `${flag.label}-${Date.now()}`;
async function product(name: string, stock: number): Promise<string> {
  const res = await call(EDGE, 'POST', '/api/products', adminAuth, { sku: `CAP-${name}-${runId}`, name: `Capacity ${name} ${runId}`, price: 500, currency: 'EUR', initialStock: stock, maxPerCustomer: 1_000_000 });
  if (res.status !== 201) throw new Error(`product ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
const orderProductId = await product('orders', 1_000_000);
const dropProductId = await product('drop', 100_000);
let dropId = '';
for (let k = 0; k < 40 && !dropId; k++) {
  // Opens long after the run: every join is a pre-queue join, every poll a WAITING ticket.
  const res = await call(EDGE, 'POST', '/api/drops', adminAuth, { productId: dropProductId, opensAt: new Date(Date.now() + 3_600_000).toISOString(), admitPerSecond: 1, holdSeconds: 60 });
  if (res.status === 201) dropId = res.body.id as string;
  else await sleep(500); // the order service learns of the product from its event
}
if (!dropId) throw new Error('could not create the drop');
const productPorts = Array.from({ length: replicas }, (_, i) => 4011 + i);
const data: Record<string, unknown> = { tokens, productIds, orderProductId, dropId, productPorts, runId, joined: tokens, orders: [] };
const dataFile = `${TMP}/data.json`;
writeFileSync(dataFile, JSON.stringify(data));
// Warm the paths once (connections, JIT, caches), outside every window.
for (const path of ['/api/products?limit=20', `/api/products/${productIds[0]}`]) await call(EDGE, 'GET', path);

spawnSync('bash', [join(PLATFORM, 'nginx/baseline.sh'), 'start'], { stdio: 'inherit' });

// ---- idle --------------------------------------------------------------------------------
log(`idle for ${flag.idle} s`);
const ic0 = await counters();
const i0 = sample();
await sleep(Number(flag.idle) * 1000);
const i1 = sample();
const ic1 = await counters();
const idleSeconds = (i1.at - i0.at) / 1000;
const idlePerSecond = Object.fromEntries(Object.entries(cpuMs(i0, i1)).map(([g, ms]) => [g, ms / idleSeconds]));
/** The servers' counters per second with nothing asked of the platform (jobs, relays, scrapes). */
const idleCounters = {
  redis: (ic1.redis - ic0.redis) / idleSeconds,
  pg: Object.fromEntries(Object.entries(diff(ic0.pg, ic1.pg)).map(([k, v]) => [k, v / idleSeconds])),
  broker: Object.fromEntries(Object.entries(diff(ic0.broker, ic1.broker)).map(([k, v]) => [k, v / idleSeconds])),
};
/** A counter's growth over a window, less its idle growth, per request. */
const perRequest = (delta: number, idleRate: number, seconds: number, requests: number) => Math.round((Math.max(0, delta - idleRate * seconds) / Math.max(1, requests)) * 100) / 100;

// ---- the routes ----------------------------------------------------------------------------
interface Plan {
  route: string;
  rate: number;
  seconds: number;
  /** Wait for the broker's queues to drain before the window closes (asynchronous work). */
  settle?: boolean;
}
const n = Number(flag.buyers);
const PLANS: Plan[] = [
  { route: 'baseline', rate: 500, seconds: 10 },
  { route: 'product-list', rate: 500, seconds: 10 },
  { route: 'product-list-service', rate: 200, seconds: 10 },
  { route: 'product-detail', rate: 500, seconds: 10 },
  { route: 'product-detail-service', rate: 200, seconds: 10 },
  { route: 'cart-add', rate: 100, seconds: 10, settle: true },
  { route: 'place-order', rate: 40, seconds: 10, settle: true },
  { route: 'order-status', rate: 200, seconds: 10 },
  // Each buyer joins once: the first join is the real work (a second returns the ticket).
  { route: 'drop-join', rate: 100, seconds: Math.max(1, Math.ceil(n / Math.max(1, Math.round(100 * SCALE)))) },
  { route: 'drop-poll', rate: 300, seconds: 10 },
].filter((p) => !flag.only || flag.only.split(',').includes(p.route));

interface Result {
  route: string;
  rate: number;
  seconds: number;
  windowSeconds: number;
  requests: number;
  ok: number;
  statuses: Record<string, number>;
  droppedIterations: number;
  p50ms: number;
  p99ms: number;
  cpuMs: Record<string, number>;
  cpuMsNetOfIdle: Record<string, number>;
  usPerRequest: Record<string, number>;
  redisCommandsPerRequest: number;
  pg: Record<string, number>;
  broker: Record<string, number>;
  k6: unknown;
}
const results: Result[] = [];
for (const plan of PLANS) {
  if (plan.route === 'drop-poll') {
    // Only buyers holding a ticket poll (the join run gave every buyer one, in order).
    const joined = results.find((r) => r.route === 'drop-join')?.ok ?? tokens.length;
    data.joined = tokens.slice(0, Math.max(1, Math.min(tokens.length, joined)));
    writeFileSync(dataFile, JSON.stringify(data));
  }
  if (plan.route === 'order-status') {
    // The orders the place-order run made, with their owners' tokens (outside the window).
    const orders: Array<{ id: string; token: string }> = [];
    for (const token of tokens.slice(0, 40)) {
      const res = await call(EDGE, 'GET', '/api/orders?limit=5', { authorization: `Bearer ${token}` });
      for (const o of (res.body?.items ?? []) as Array<{ id: string }>) orders.push({ id: o.id, token });
    }
    if (!orders.length) throw new Error('no orders to read: run place-order first');
    data.orders = orders;
    writeFileSync(dataFile, JSON.stringify(data));
  }
  const rate = Math.max(1, Math.round(plan.rate * SCALE));
  const summary = `${TMP}/${plan.route}.json`;
  log(`${plan.route}: ${rate}/s for ${plan.seconds} s`);
  const c0 = await counters();
  const s0 = sample();
  const timeFile = `${TMP}/${plan.route}.time`;
  const k6 = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%U %S', K6, 'run', '--quiet', '--summary-trend-stats', 'avg,med,p(99),max', '--summary-export', summary, '-e', `ROUTE=${plan.route}`, '-e', `DATA=${dataFile}`, '-e', `RATE=${rate}`, '-e', `DURATION=${plan.seconds}s`, join(HERE, 'load-tests/capacity.js')], {
    encoding: 'utf8',
    env: { ...process.env, K6_NO_USAGE_REPORT: 'true' },
  });
  if (plan.settle) {
    const deadline = Date.now() + 60_000;
    let quiet = 0;
    while (Date.now() < deadline && quiet < 2) {
      quiet = (await queuedMessages()) === 0 ? quiet + 1 : 0;
      await sleep(500);
    }
  }
  const s1 = sample();
  const c1 = await counters();
  // k6 starts and ends inside the window, so /proc never sees it twice: its own rusage.
  const [k6User, k6Sys] = (existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)! : '0 0').split(' ').map(Number);
  const k6Cpu = Math.round((k6User + k6Sys) * 1000);
  const s = JSON.parse(readFileSync(summary, 'utf8')) as {
    metrics: Record<string, { count?: number; passes?: number; med?: number; 'p(99)'?: number }>;
    root_group: { checks: Record<string, { name: string; passes: number; fails: number }> };
  };
  const requests = s.metrics.http_reqs?.count ?? 0;
  const statuses: Record<string, number> = {};
  let ok = 0;
  for (const c of Object.values(s.root_group.checks)) {
    const m = /^status (\d+)$/.exec(c.name);
    if (m) statuses[m[1]] = c.passes;
    if (c.name.startsWith('status in')) ok = c.passes;
  }
  const windowSeconds = (s1.at - s0.at) / 1000;
  const cpu = { ...cpuMs(s0, s1), k6: k6Cpu };
  const net = Object.fromEntries(Object.entries(cpu).map(([g, ms]) => [g, Math.max(0, ms - (idlePerSecond[g] ?? 0) * windowSeconds)]));
  const per = Object.fromEntries(Object.entries(net).map(([g, ms]) => [g, Math.round((ms * 1000) / Math.max(1, requests))]));
  const r: Result = {
    route: plan.route,
    rate,
    seconds: plan.seconds,
    windowSeconds: Math.round(windowSeconds * 10) / 10,
    requests,
    ok,
    statuses,
    droppedIterations: s.metrics.dropped_iterations?.count ?? 0,
    p50ms: Math.round((s.metrics.http_req_duration?.med ?? 0) * 100) / 100,
    p99ms: Math.round((s.metrics.http_req_duration?.['p(99)'] ?? 0) * 100) / 100,
    cpuMs: cpu,
    cpuMsNetOfIdle: net,
    usPerRequest: per,
    redisCommandsPerRequest: perRequest(c1.redis - c0.redis, idleCounters.redis, windowSeconds, requests),
    pg: Object.fromEntries(Object.entries(diff(c0.pg, c1.pg)).map(([k, v]) => [`${k}PerRequest`, perRequest(v, idleCounters.pg[k] ?? 0, windowSeconds, requests)])),
    broker: Object.fromEntries(Object.entries(diff(c0.broker, c1.broker)).map(([k, v]) => [`${k}PerRequest`, perRequest(v, idleCounters.broker[k] ?? 0, windowSeconds, requests)])),
    k6: { exit: k6.status, cpuMs: k6Cpu, stderr: k6.stderr.slice(-2000) },
  };
  results.push(r);
  const svc = Object.entries(per).filter(([g]) => g.startsWith('svc:')).map(([g, us]) => `${g.slice(4)} ${us}`).join(', ');
  log(`  ${requests} requests (${ok} ok, ${JSON.stringify(statuses)}), p50 ${r.p50ms} ms; µs/request: ${svc}; edge ${per['nginx-edge'] ?? 0}, baseline ${per['nginx-baseline'] ?? 0}, pg ${per.postgres ?? 0}, pgbouncer ${per.pgbouncer ?? 0}, redis ${per.redis ?? 0}, rabbitmq ${per.rabbitmq ?? 0}, k6 ${per.k6 ?? 0}`);
}
spawnSync('bash', [join(PLATFORM, 'nginx/baseline.sh'), 'stop'], { stdio: 'inherit' });

/** The code that ran: the platform checkout's commit. */
const commit = execFileSync('git', ['-C', PLATFORM, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const report = {
  label: flag.label,
  at: new Date().toISOString(),
  commit,
  platform: PLATFORM,
  replicas,
  cores: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
  command: `npx tsx load-tests/capacity.ts ${process.argv.slice(2).join(' ')}`,
  idleSeconds,
  idleCpuMsPerSecond: idlePerSecond,
  idleCountersPerSecond: idleCounters,
  results,
};
writeFileSync(`${OUT_DIR}/capacity-${flag.label}.json`, `${JSON.stringify(report, null, 2)}\n`);
log(`wrote ${OUT_DIR}/capacity-${flag.label}.json`);
