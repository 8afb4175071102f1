// One line per --step seconds of a heap-probe.mjs file: the largest heap used, heap total, RSS,
// external memory and held sockets in that step, the GCs by kind (count / pause ms), and any
// forced GC (heap before > after) or snapshot taken in it.
//   node load-tests/profile/heap-timeline.mjs /tmp/heap/order-1.jsonl [--from ISO] [--to ISO] [--step 2]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' }, step: { type: 'string', default: '2' } } });
const from = o.from ? Date.parse(o.from) : 0;
const to = o.to ? Date.parse(o.to) : Infinity;
const step = Number(o.step) * 1000;
const rows = readFileSync(positionals[0], 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.t >= from && r.t <= to);
const buckets = new Map();
for (const r of rows) {
  const k = Math.floor(r.t / step) * step;
  const b = buckets.get(k) ?? { heapUsed: 0, heapTotal: 0, rss: 0, external: 0, sockets: 0, gc: {}, notes: [] };
  b.heapUsed = Math.max(b.heapUsed, r.heapUsed);
  b.heapTotal = Math.max(b.heapTotal, r.heapTotal);
  b.rss = Math.max(b.rss, r.rss);
  b.external = Math.max(b.external, r.external);
  b.sockets = Math.max(b.sockets, r.handles?.TCPSocketWrap ?? 0);
  for (const [kind, g] of Object.entries(r.gc ?? {})) {
    const x = (b.gc[kind] ??= { n: 0, ms: 0 });
    x.n += g.n;
    x.ms += g.ms;
  }
  if (r.forcedGc) b.notes.push(`forced GC ${r.forcedGc.before} > ${r.forcedGc.after} MB (${r.forcedGc.ms} ms, RSS after ${r.forcedGc.rssAfter})`);
  if (r.snapshot) b.notes.push(`snapshot at ${r.snapshot.heapUsedBefore} MB (${r.snapshot.ms} ms)`);
  buckets.set(k, b);
}
console.log('time (UTC)  heapUsed heapTotal   rss external sockets  gc minor/major/incr (n, ms)');
for (const [k, b] of buckets) {
  const g = (kind) => (b.gc[kind] ? `${b.gc[kind].n}/${Math.round(b.gc[kind].ms)}` : '-');
  const cols = [b.heapUsed, b.heapTotal, b.rss, b.external].map((v) => String(Math.round(v)).padStart(8)).join(' ');
  console.log(`${new Date(k).toISOString().slice(11, 19)}  ${cols} ${String(b.sockets).padStart(7)}  ${g('minor')} ${g('major')} ${g('incremental')} ${b.notes.join('; ')}`);
}
