// load-tests/profile/summarise.mjs FILE.cpuprofile [requests] [top] [fromSec] [toSec]: self time by package and by function
// (idle samples left out), per request when the request count is given, over a window of the profile.
import { readFileSync } from 'node:fs';
const [file, reqArg, topArg, fromArg, toArg] = process.argv.slice(2);
const fromUs = Number(fromArg || 0) * 1e6, toUs = toArg ? Number(toArg) * 1e6 : Infinity;
const p = JSON.parse(readFileSync(file, 'utf8'));
const requests = Number(reqArg || 0), top = Number(topArg || 30);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
let clock = 0;
for (let i = 0; i < p.samples.length; i++) { clock += p.timeDeltas[i] ?? 0; if (clock < fromUs || clock > toUs) continue; self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0)); }
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map(), pkg = new Map();
const pkgOf = (url, name) => {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const s = /\/(services\/[^/]+|packages\/[^/]+)\//.exec(url);
  if (s) return s[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url;
};
for (const [id, us] of self) {
  const n = byId.get(id); const cf = n.callFrame;
  const k = `${cf.functionName || '(anon)'} ${cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+\/[^/]+\//, '')}:${cf.lineNumber + 1}`;
  fn.set(k, (fn.get(k) ?? 0) + us);
  const g = pkgOf(cf.url, cf.functionName);
  pkg.set(g, (pkg.get(g) ?? 0) + us);
}
const idle = (pkg.get('(idle)') ?? 0);
const busy = total - idle;
const fmt = (us) => (us / 1000).toFixed(1).padStart(9) + ' ms';
const per = (us) => (requests ? ((us / requests)).toFixed(1).padStart(7) + ' µs/req' : '');
console.log(`profile ${(total / 1e6).toFixed(2)} s, busy ${(busy / 1e6).toFixed(2)} s (${((100 * busy) / total).toFixed(1)}%)` + (requests ? `, ${requests} requests: ${(busy / requests).toFixed(0)} µs CPU per request` : ''));
console.log('\n-- by package (self time)');
for (const [k, v] of [...pkg].sort((a, b) => b[1] - a[1]).slice(0, 25)) if (k !== '(idle)') console.log(fmt(v), ((100 * v) / busy).toFixed(1).padStart(5) + '%', per(v), ' ', k);
console.log('\n-- top functions (self time)');
for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) if (!k.startsWith('(idle)')) console.log(fmt(v), ((100 * v) / busy).toFixed(1).padStart(5) + '%', per(v), ' ', k);
