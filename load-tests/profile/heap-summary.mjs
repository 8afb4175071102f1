// What a heap snapshot holds, by constructor (objects) or by kind (strings, code, arrays...):
// count and self size, largest first; with two snapshots, what the second holds more of.
//   node --max-old-space-size=4000 load-tests/profile/heap-summary.mjs B.heapsnapshot [A.heapsnapshot] [--top 30]
// Self sizes only (no retained sizes): enough to see which kind of object a crowd leaves live.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });

function summarise(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const { node_fields: fields, node_types: types } = snap.snapshot.meta;
  const w = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const typeNames = types[0];
  const groups = new Map();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += w) {
    const type = typeNames[snap.nodes[i + iType]];
    const size = snap.nodes[i + iSize];
    const key = type === 'object' || type === 'closure' ? `${type} ${snap.strings[snap.nodes[i + iName]]}` : `(${type})`;
    const g = groups.get(key) ?? { n: 0, bytes: 0 };
    g.n += 1;
    g.bytes += size;
    total += size;
    groups.set(key, g);
  }
  return { groups, total };
}

const mb = (b) => (b / 1e6).toFixed(2).padStart(8);
const b = summarise(positionals[0]);
const a = positionals[1] ? summarise(positionals[1]) : undefined;
console.log(`${positionals[0]}: ${mb(b.total)} MB in self sizes${a ? `; ${positionals[1]}: ${mb(a.total)} MB` : ''}`);
const rows = [...b.groups].map(([k, g]) => {
  const was = a?.groups.get(k) ?? { n: 0, bytes: 0 };
  return { k, n: g.n, bytes: g.bytes, dn: g.n - was.n, db: g.bytes - was.bytes };
});
rows.sort((x, y) => (a ? y.db - x.db : y.bytes - x.bytes));
console.log(a ? '   +MB        +count      MB      count  what' : '      MB      count  what');
for (const r of rows.slice(0, Number(o.top))) {
  console.log(a ? `${mb(r.db)} ${String(r.dn).padStart(12)} ${mb(r.bytes)} ${String(r.n).padStart(10)}  ${r.k}` : `${mb(r.bytes)} ${String(r.n).padStart(10)}  ${r.k}`);
}
