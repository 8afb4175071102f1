/**
 * `npm run drop:rehearse [-- --buyers 5000 --units 500 --peak 2000 ...]`: a realistic drop
 * against the running platform at :8000, then a report a person would rather look at than
 * read: load-tests/results/drop-rehearsal.{md,json,svg}. See load-tests/results/README.md.
 *
 * The crowd: buyers signed in before the load; a pre-queue joining before the open; a spike
 * of arrivals after it (linear ramp to --peak per second); everyone polling when the server
 * says; admitted buyers ordering within a second or so (1..held units), --abandon of them
 * walking away from their hold, --retry of them sending the same key again; --bots posting
 * orders without (or with forged) admission. Everything bounded by --max-seconds.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { signedInBuyers } from './buyers.js';
import { call, sleep, type Answer } from './http.js';
import { renderChart, type Bucket } from './chart.js';
import { renderReport } from './report.js';
import { adminToken as setupAdminToken, bearer, dropProduct, scheduleDrop } from './setup.js';
import { loadScript } from '../lib/script.js';

const { values: flag } = parseArgs({
  options: {
    buyers: { type: 'string', default: '300' },
    units: { type: 'string', default: '30' },
    peak: { type: 'string', default: '200' },
    prequeue: { type: 'string', default: '0.05' },
    admit: { type: 'string', default: '50' },
    hold: { type: 'string', default: '10' },
    cap: { type: 'string', default: '2' },
    lead: { type: 'string', default: '8' },
    abandon: { type: 'string', default: '0.1' },
    retry: { type: 'string', default: '0.1' },
    bots: { type: 'string', default: '10' },
    'max-seconds': { type: 'string', default: '150' },
    bucket: { type: 'string', default: '0.5' },
    capacity: { type: 'string', default: '10' },
    edge: { type: 'string', default: 'http://127.0.0.1:8000' },
    replica: { type: 'string', default: 'http://127.0.0.1:4031' },
    out: { type: 'string', default: 'load-tests/results' },
    name: { type: 'string', default: 'drop-rehearsal' },
    /** Only create and sign in the buyers (tokens cached for the next run), then stop. */
    prepare: { type: 'boolean', default: false },
  },
});
const N = Number(flag.buyers);
const UNITS = Number(flag.units);
const PEAK = Number(flag.peak);
const PRE = Math.round(N * Number(flag.prequeue));
const BOTS = Number(flag.bots);
const LEAD_MS = Number(flag.lead) * 1000;
const BUCKET = Number(flag.bucket);
const EDGE = flag.edge!;
const { root: ROOT, k6: K6, log } = loadScript('rehearsal', { logTo: 'stdout' });

const adminToken = () => setupAdminToken(EDGE);

// ---- records -------------------------------------------------------------------------------
interface Req {
  /** wait: a held poll (queue/me/wait), answered when something changed: not a latency. */
  kind: 'join' | 'poll' | 'wait' | 'order' | 'bot';
  at: number;
  ms: number;
  status: number;
}
const reqs: Req[] = [];
const note = (kind: Req['kind'], a: Answer) => reqs.push({ kind, at: a.at, ms: a.ms, status: a.status });

interface BuyerRun {
  i: number;
  userId: string;
  token: string;
  arriveAt: number;
  joinedAt?: number;
  joinNo?: number;
  ticketId?: string;
  preQueue?: boolean;
  admissionNo?: number;
  admittedSeenAt?: number;
  outcome?: 'ordered' | 'abandoned' | 'sold_out' | 'expired' | 'closed' | 'order_refused' | 'gave_up';
  orderId?: string;
  units?: number;
  soldOutSeenAt?: number;
  wasWaitingAtSellOut?: boolean;
  refusal?: string;
}
const counters = { retried: 0, retryReplayed: 0, doubled: 0, botAttempts: 0, botRefused: 0, botOther: {} as Record<string, number>, errors: {} as Record<string, number> };
const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

async function buyerLife(b: BuyerRun, dropId: string, productId: string, stopAt: number, rand: () => number): Promise<void> {
  await sleep(b.arriveAt - Date.now());
  const join = await call(EDGE, 'POST', `/api/drops/${dropId}/queue`, bearer(b.token));
  note('join', join);
  if (join.status !== 200) {
    bump(counters.errors, `join ${join.status}`);
    b.outcome = 'gave_up';
    return;
  }
  b.joinedAt = join.at;
  b.joinNo = join.body.joinNo;
  b.ticketId = join.body.ticketId;
  b.preQueue = join.body.preQueue;
  let t = join.body;
  while (Date.now() < stopAt) {
    if (t.state === 'ADMITTED' && t.admission && !t.admission.used) break;
    if (t.state === 'SOLD_OUT') {
      b.outcome = 'sold_out';
      b.soldOutSeenAt = Date.now();
      return;
    }
    if (t.state === 'EXPIRED' || t.state === 'CLOSED') {
      b.outcome = t.state === 'EXPIRED' ? 'expired' : 'closed';
      return;
    }
    // As the storefront does (storefront/src/poll.ts): far from the head, the held poll.
    await sleep(t.pollAfterMs ?? 1000);
    const held = t.longPoll === true;
    const p = await call(EDGE, 'GET', `/api/drops/${dropId}/queue/me${held ? '/wait' : ''}`, bearer(b.token), undefined, 20_000, held);
    note(held ? 'wait' : 'poll', p);
    if (p.status !== 200) {
      bump(counters.errors, `poll ${p.status}`);
      await sleep(1000);
      continue;
    }
    t = p.body;
  }
  if (!(t.state === 'ADMITTED' && t.admission?.token)) {
    b.outcome = 'gave_up';
    return;
  }
  b.admissionNo = t.admission.number;
  b.admittedSeenAt = Date.now();
  if (rand() < Number(flag.abandon)) {
    b.outcome = 'abandoned';
    return;
  }
  await sleep(200 + rand() * 800); // a person clicking "buy"
  const units = 1 + Math.floor(rand() * t.admission.quantity);
  const key = randomUUID();
  const body = { items: [{ productId, quantity: units }], paymentToken: 'tok_visa' };
  const headers = { ...bearer(b.token), 'idempotency-key': key, 'x-admission-token': t.admission.token };
  const placed = await call(EDGE, 'POST', '/api/orders', headers, body);
  note('order', placed);
  if (placed.status !== 202) {
    b.outcome = 'order_refused';
    b.refusal = `${placed.status} ${placed.body?.error?.code ?? ''}`;
    return;
  }
  b.outcome = 'ordered';
  b.orderId = placed.body.id;
  b.units = units;
  if (rand() < Number(flag.retry)) {
    // The client did not see the answer and sends the same request again.
    counters.retried++;
    const again = await call(EDGE, 'POST', '/api/orders', headers, body);
    note('order', again);
    if (again.status === 202 && again.body.id === b.orderId) counters.retryReplayed++;
    if (again.status === 202 && again.body.id !== b.orderId) counters.doubled++;
  }
}

async function bot(token: string, productId: string, attempts: number, spreadMs: number): Promise<void> {
  const forged = `${Buffer.from('{"alg":"EdDSA","typ":"admission+jwt"}').toString('base64url')}.${Buffer.from(JSON.stringify({ pid: productId, qty: 2 })).toString('base64url')}.AAAA`;
  for (let k = 0; k < attempts; k++) {
    await sleep(Math.random() * (spreadMs / attempts));
    const headers: Record<string, string> = { ...bearer(token), 'idempotency-key': randomUUID() };
    if (k % 2 === 1) headers['x-admission-token'] = forged;
    const res = await call(EDGE, 'POST', '/api/orders', headers, { items: [{ productId, quantity: 1 }], paymentToken: 'tok_visa' });
    note('bot', res);
    counters.botAttempts++;
    if (res.status === 403 && res.body?.error?.code === 'ADMISSION_REQUIRED') counters.botRefused++;
    else bump(counters.botOther, `${res.status} ${res.body?.error?.code ?? ''}`);
  }
}

// ---- statistics ----------------------------------------------------------------------------
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)].toFixed(1);
};
function spearman(pairs: Array<[number, number]>): number | null {
  if (pairs.length < 2) return null;
  const rank = (vals: number[]) => {
    const idx = vals.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
    const r = new Array<number>(vals.length);
    idx.forEach(([, i], k) => (r[i] = k));
    return r;
  };
  const ra = rank(pairs.map((p) => p[0]));
  const rb = rank(pairs.map((p) => p[1]));
  const n = pairs.length;
  const d2 = ra.reduce((s, r, i) => s + (r - rb[i]) ** 2, 0);
  return +(1 - (6 * d2) / (n * (n * n - 1))).toFixed(4);
}
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

// ---- the run -------------------------------------------------------------------------------
async function main(): Promise<void> {
  const health = await call(EDGE, 'GET', '/_edge/health');
  if (health.status !== 200) throw new Error(`the platform is not answering at ${EDGE}: run npm run up first`);
  const startedAt = new Date().toISOString();

  log(`signing in ${N + BOTS} buyers (bots included)`);
  const t0 = Date.now();
  const signIn = await signedInBuyers(join(ROOT, '.run', 'drop-rehearsal', 'buyers.json'), N + BOTS, log);
  log(`signed in at ${signIn.signInPerSecond.toFixed(0)}/s (${((Date.now() - t0) / 1000).toFixed(1)} s; created ${signIn.created})`);
  if (flag.prepare) return;

  const admin = await adminToken();
  const sku = `REHEARSAL-${Date.now()}`;
  const productId = await dropProduct(EDGE, admin, { sku, name: `Rehearsal drop ${sku}`, price: 4999, units: UNITS, cap: Number(flag.cap) });
  const opensAt = Date.now() + LEAD_MS + 3_000;
  const drop = await scheduleDrop(EDGE, admin, { productId, units: UNITS, opensAt, admitPerSecond: Number(flag.admit), holdSeconds: Number(flag.hold) });
  const dropId: string = drop.id;
  const commitment: string = drop.fairness.seedHash;
  log(`drop ${dropId} for ${UNITS} units opens at ${new Date(opensAt).toISOString()}; ${PRE} pre-queue, ${N - PRE} after the open, peak ${PEAK}/s`);

  // Arrival times: the pre-queue spread over the lead, then a linear ramp (1 s) to PEAK per second.
  const runs: BuyerRun[] = signIn.buyers.slice(0, N).map((b, i) => ({ i, userId: b.id, token: b.accessToken!, arriveAt: 0 }));
  const preStart = opensAt - LEAD_MS;
  runs.slice(0, PRE).forEach((r, k) => (r.arriveAt = preStart + ((k + 0.5) / Math.max(1, PRE)) * (LEAD_MS - 1_000)));
  const rampSec = Math.min(1, (N - PRE) / PEAK);
  let at = 0;
  runs.slice(PRE).forEach((r) => {
    const rate = at < rampSec ? Math.max(PEAK * 0.05, PEAK * (at / rampSec)) : PEAK;
    at += 1 / rate;
    r.arriveAt = opensAt + 200 + at * 1000;
  });
  const lastArrival = Math.max(...runs.map((r) => r.arriveAt));
  const stopAt = Math.min(lastArrival + Number(flag['max-seconds']) * 1000, Date.now() + Number(flag['max-seconds']) * 1000 + LEAD_MS);

  // Samples of the drop's own counters, straight from a replica (not the 1 s edge cache).
  const samples: Array<{ at: number; status: string; queue: number; holds: number; admitted: number; unitsLeft: number | null }> = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const s = await call(flag.replica!, 'GET', `/api/drops/${dropId}`);
      if (s.status === 200) samples.push({ at: s.at, status: s.body.status, queue: s.body.queueLength, holds: s.body.activeHolds, admitted: s.body.admitted, unitsLeft: s.body.unitsLeft });
      await sleep(250);
    }
  })();

  let seed = 0x2545f491;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const botTokens = signIn.buyers.slice(N).map((b) => b.accessToken!);
  const botsDone = (async () => {
    await sleep(opensAt - Date.now());
    await Promise.all(botTokens.map((t) => bot(t, productId, 10, Math.max(2_000, lastArrival - opensAt))));
  })();
  await Promise.all(runs.map((r) => buyerLife(r, dropId, productId, stopAt, rand)));
  await botsDone;
  const loadEnded = Date.now();
  await sleep(600);
  sampling = false;
  await sampler;
  log(`load done in ${((loadEnded - opensAt) / 1000).toFixed(1)} s after the open`);

  // ---- settle and check -------------------------------------------------------------------
  const ordered = runs.filter((r) => r.outcome === 'ordered');
  const lastSale = Math.max(0, ...reqs.filter((q) => q.kind === 'order' && q.status === 202).map((q) => q.at));
  const finals = new Map<string, { status: string; units: number }>();
  let stock: Record<string, number> = {};
  let settledAt = 0;
  for (let k = 0; k < 240 && !settledAt; k++) {
    const adminNow = k % 100 === 0 && k > 0 ? await adminToken() : admin;
    stock = (await call(EDGE, 'GET', `/api/inventory/admin/stock/${productId}`, bearer(adminNow))).body ?? {};
    const pending = ordered.filter((r) => !finals.has(r.orderId!));
    for (let s = 0; s < pending.length; s += 50) {
      await Promise.all(
        pending.slice(s, s + 50).map(async (r) => {
          const o = await call(EDGE, 'GET', `/api/orders/${r.orderId}`, bearer(adminNow));
          if (o.status === 200 && ['CONFIRMED', 'REJECTED', 'CANCELLED', 'EXPIRED'].includes(o.body.status)) {
            finals.set(r.orderId!, { status: o.body.status, units: o.body.items.find((l: { productId: string }) => l.productId === productId)?.quantity ?? 0 });
          }
        }),
      );
    }
    if (stock.reserved === 0 && finals.size === ordered.length) settledAt = Date.now();
    else await sleep(250);
  }
  const orderIds = new Set(ordered.map((r) => r.orderId));
  // Orders made whose answer never reached the buyer (a client timeout, or a 5xx from the edge
  // after the commit): looked up in each such buyer's orders (as admin), so "lost" compares
  // inventory with every order of the drop's product, not only with the answers buyers saw.
  const unheard: Array<{ status: string; units: number }> = [];
  let unheardLookupsFailed = 0;
  const silent = runs.filter((r) => r.outcome === 'order_refused' && !(r.refusal ?? '').startsWith('4'));
  const adminLater = await adminToken();
  for (let s = 0; s < silent.length; s += 50) {
    await Promise.all(
      silent.slice(s, s + 50).map(async (r) => {
        const list = await call(EDGE, 'GET', `/api/orders?userId=${r.userId}&limit=20`, bearer(adminLater));
        if (list.status !== 200) return void unheardLookupsFailed++;
        for (const o of (list.body?.items ?? []) as Array<{ id: string; status: string; items: Array<{ productId: string; quantity: number }> }>) {
          const line = o.items.find((l) => l.productId === productId);
          if (line && !orderIds.has(o.id)) unheard.push({ status: o.status, units: line.quantity });
        }
      }),
    );
  }
  const confirmedUnits = [...finals.values(), ...unheard].filter((f) => f.status === 'CONFIRMED').reduce((s, f) => s + f.units, 0);

  // Fairness: the pre-queue order recomputed from the revealed seed; FIFO after the open.
  const fair = (await call(EDGE, 'GET', `/api/drops/${dropId}/fairness`)).body as { seed: string; tickets: string[]; order: string[] };
  const listHash = sha256([...fair.tickets].sort().join('\n'));
  const recomputed = [...fair.tickets].map((t) => ({ t, k: sha256(`${fair.seed}:${listHash}:${t}`) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.t < b.t ? -1 : 1)).map((x) => x.t);
  const rankOf = new Map(fair.order.map((t, i) => [t, i]));
  const admitted = runs.filter((r) => r.admissionNo !== undefined);
  const preAdmitted = admitted.filter((r) => r.preQueue).map((r) => [rankOf.get(r.ticketId!) ?? -1, r.admissionNo!] as [number, number]);
  const postAdmitted = admitted.filter((r) => !r.preQueue).map((r) => [r.joinNo!, r.admissionNo!] as [number, number]);

  // Sold out: when the drop's counters first read SOLD_OUT, and how late each waiting buyer heard.
  const soldOutAt = samples.find((s) => s.status === 'SOLD_OUT')?.at ?? null;
  const heard = runs.filter((r) => r.soldOutSeenAt && soldOutAt).map((r) => r.soldOutSeenAt! - soldOutAt!);

  // ---- capacity: polls against the static-nginx baseline, same k6 settings, same run --------
  const capacity = Number(flag.capacity) > 0 ? measureCapacity(dropId, runs.slice(0, 200).map((r) => r.token), Number(flag.capacity)) : undefined;

  // ---- timeline ---------------------------------------------------------------------------
  const first = Math.min(...runs.map((r) => r.arriveAt), opensAt - 1000);
  const last = Math.max(loadEnded, ...reqs.map((q) => q.at));
  const buckets: Bucket[] = [];
  for (let b = first; b < last; b += BUCKET * 1000) {
    const inB = (t: number) => t >= b && t < b + BUCKET * 1000;
    const lat = reqs.filter((q) => (q.kind === 'join' || q.kind === 'poll') && inB(q.at)).map((q) => q.ms);
    const ord = reqs.filter((q) => q.kind === 'order' && inB(q.at)).map((q) => q.ms);
    const s = samples.filter((x) => x.at < b + BUCKET * 1000).at(-1);
    const before = samples.filter((x) => x.at < b).at(-1);
    buckets.push({
      t: +((b - opensAt) / 1000).toFixed(2),
      arrivals: reqs.filter((q) => q.kind === 'join' && inB(q.at)).length,
      queue: s?.queue ?? 0,
      holds: s?.holds ?? 0,
      admissions: Math.max(0, (s?.admitted ?? 0) - (before?.admitted ?? 0)),
      sales: reqs.filter((q) => q.kind === 'order' && q.status === 202 && inB(q.at)).length,
      p50: pct(lat, 50),
      p99: pct(lat, 99),
      orderP99: pct(ord, 99),
    });
  }
  const polls = reqs.filter((q) => q.kind === 'join' || q.kind === 'poll');
  const waits = reqs.filter((q) => q.kind === 'wait');
  const orders = reqs.filter((q) => q.kind === 'order');
  const spikeWindow = [opensAt, lastArrival + 1000];
  const peakArrivals = Math.max(...buckets.map((b) => b.arrivals)) / BUCKET;
  const outcomes: Record<string, number> = {};
  runs.forEach((r) => bump(outcomes, r.outcome ?? 'none'));

  const result = {
    startedAt,
    command: `npm run drop:rehearse -- ${process.argv.slice(2).join(' ')}`.trim(),
    settings: { buyers: N, units: UNITS, peakPerSecond: PEAK, preQueue: PRE, admitPerSecond: Number(flag.admit), holdSeconds: Number(flag.hold), cap: Number(flag.cap), abandon: Number(flag.abandon), retry: Number(flag.retry), bots: BOTS },
    dropId,
    productId,
    signIn: { perSecond: +signIn.signInPerSecond.toFixed(1), created: signIn.created },
    arrivals: { peakPerSecondMeasured: +peakArrivals.toFixed(0), spanSeconds: +((lastArrival - opensAt) / 1000).toFixed(2) },
    outcomes,
    latency: {
      joinPoll: { count: polls.length, p50: pct(polls.map((q) => q.ms), 50), p99: pct(polls.map((q) => q.ms), 99), max: pct(polls.map((q) => q.ms), 100), errors: polls.filter((q) => q.status !== 200).length },
      joinPollDuringSpike: { p99: pct(polls.filter((q) => q.at >= spikeWindow[0] && q.at <= spikeWindow[1]).map((q) => q.ms), 99) },
      heldPolls: { count: waits.length, p50: pct(waits.map((q) => q.ms), 50), max: pct(waits.map((q) => q.ms), 100), errors: waits.filter((q) => q.status !== 200).length },
      requestsPerBuyer: +((polls.length + waits.length) / Math.max(1, N)).toFixed(2),
      order: { count: orders.length, p50: pct(orders.map((q) => q.ms), 50), p99: pct(orders.map((q) => q.ms), 99), max: pct(orders.map((q) => q.ms), 100) },
      pollsPerSecondPeak: Math.max(...buckets.map((b) => reqs.filter((q) => q.kind === 'poll' && q.at >= opensAt + b.t * 1000 && q.at < opensAt + (b.t + BUCKET) * 1000).length)) / BUCKET,
    },
    correctness: {
      inventory: stock,
      oversold: Math.max(0, (stock.sold ?? 0) - UNITS) + ((stock.available ?? 0) < 0 ? 1 : 0),
      lost: Math.abs((stock.sold ?? 0) - confirmedUnits),
      doubled: counters.doubled + (ordered.length - orderIds.size),
      unsold: stock.available ?? null,
      ordersAccepted: ordered.length,
      /** Orders that exist although their buyer's request ended without a 202 (counted in lost's check). */
      ordersUnheard: { count: unheard.length, confirmed: unheard.filter((u) => u.status === 'CONFIRMED').length, lookupsFailed: unheardLookupsFailed },
      ordersFinal: finals.size,
      allFinalSecondsAfterLastSale: settledAt ? +((settledAt - lastSale) / 1000).toFixed(2) : null,
      retries: { sent: counters.retried, replayed: counters.retryReplayed },
      refusedAdmittedOrders: runs.filter((r) => r.outcome === 'order_refused').map((r) => r.refusal),
      errors: counters.errors,
    },
    fairness: {
      commitmentMatches: sha256(fair.seed) === commitment,
      shuffleRecomputed: JSON.stringify(recomputed) === JSON.stringify(fair.order),
      preQueueTickets: fair.tickets.length,
      preQueueAdmitted: preAdmitted.length,
      preQueueRankCorrelation: spearman(preAdmitted),
      fifoAdmitted: postAdmitted.length,
      fifoRankCorrelation: spearman(postAdmitted),
    },
    soldOut: { at: soldOutAt ? new Date(soldOutAt).toISOString() : null, waitingBuyersTold: heard.length, p99Ms: pct(heard, 99), maxMs: pct(heard, 100) },
    bots: { attempts: counters.botAttempts, refused: counters.botRefused, other: counters.botOther },
    capacity,
    timeline: buckets,
  };

  const out = resolve(ROOT, flag.out!); // an absolute --out is used as given
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${flag.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(out, `${flag.name}.svg`), renderChart(buckets, BUCKET, `Drop rehearsal: ${N} buyers, ${UNITS} units, peak ${PEAK}/s (${startedAt.slice(0, 16)}Z)`));
  writeFileSync(join(out, `${flag.name}.md`), renderReport(result, `${flag.name}.svg`));
  log(`wrote ${flag.out}/${flag.name}.{md,json,svg}`);
  console.log(JSON.stringify({ correctness: result.correctness, fairness: result.fairness, soldOut: result.soldOut, bots: result.bots, latency: result.latency, capacity }, null, 1));
}

/** k6, closed model, same VUs and duration: polls of one drop vs the static nginx on :8099. */
function measureCapacity(dropId: string, tokens: string[], seconds: number) {
  const tmp = join(ROOT, '.run', 'drop-rehearsal');
  writeFileSync(join(tmp, 'tokens.json'), JSON.stringify(tokens));
  const baseline = spawnSync('bash', ['nginx/baseline.sh', 'start'], { stdio: 'inherit' });
  if (baseline.status !== 0) return { error: 'baseline nginx did not start' };
  const k6run = (name: string, args: string[]) => {
    const summary = join(tmp, `${name}.json`);
    spawnSync(K6, ['run', '--quiet', '--summary-trend-stats', 'avg,med,p(99),max', '--summary-export', summary, '-e', 'VUS=64', '-e', `DURATION=${seconds}s`, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    const s = JSON.parse(readFileSync(summary, 'utf8')) as { metrics: Record<string, Record<string, number>> };
    return { rps: +s.metrics.http_reqs.rate.toFixed(0), p99: s.metrics.http_req_duration['p(99)'] ?? null, p50: s.metrics.http_req_duration.med ?? null, failed: s.metrics.http_req_failed?.value ?? null };
  };
  const stat = k6run('baseline', ['-e', 'TARGET=http://127.0.0.1:8099/', 'load-tests/listing.js']);
  const poll = k6run('polls', ['-e', `DROP_ID=${dropId}`, '-e', `TOKENS=${join(tmp, 'tokens.json')}`, 'load-tests/drop-poll.js']);
  spawnSync('bash', ['nginx/baseline.sh', 'stop'], { stdio: 'inherit' });
  return { command: `k6 run -e VUS=64 -e DURATION=${seconds}s load-tests/{listing,drop-poll}.js`, baseline: stat, polls: poll, ratio: +(poll.rps / Math.max(1, stat.rps)).toFixed(3) };
}

await main().catch((err) => {
  console.error(err);
  process.exit(1);
});
process.exit(0);
