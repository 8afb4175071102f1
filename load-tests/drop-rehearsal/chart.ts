/** The rehearsal's chart: four stacked panels on one time axis, as a plain SVG. */
export interface Bucket {
  /** Seconds since the open (negative: before). */
  t: number;
  arrivals: number;
  queue: number;
  holds: number;
  admissions: number;
  sales: number;
  p50: number | null;
  p99: number | null;
  orderP99: number | null;
}

interface Series {
  name: string;
  color: string;
  values: Array<number | null>;
  bars?: boolean;
}

const W = 960;
const PANEL_H = 150;
const LEFT = 70;
const RIGHT = 20;
const TOP = 40;
const GAP = 34;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const nice = (v: number) => {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((x) => x >= v) ?? v;
};

function panel(y0: number, title: string, unit: string, ts: number[], series: Series[], bucketSec: number): string {
  const max = nice(Math.max(1, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const t0 = ts[0] ?? 0;
  const t1 = (ts[ts.length - 1] ?? 1) + bucketSec;
  const x = (t: number) => LEFT + ((t - t0) / Math.max(1e-9, t1 - t0)) * (W - LEFT - RIGHT);
  const y = (v: number) => y0 + PANEL_H - (v / max) * PANEL_H;
  const out: string[] = [];
  out.push(`<text x="${LEFT}" y="${y0 - 8}" font-size="13" font-weight="bold">${esc(title)}</text>`);
  out.push(`<rect x="${LEFT}" y="${y0}" width="${W - LEFT - RIGHT}" height="${PANEL_H}" fill="none" stroke="#bbb"/>`);
  for (const f of [0, 0.5, 1]) {
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(max * f)}" y2="${y(max * f)}" stroke="#eee"/>`);
    out.push(`<text x="${LEFT - 6}" y="${y(max * f) + 4}" font-size="10" text-anchor="end">${+(max * f).toFixed(1)}${f === 1 ? ` ${unit}` : ''}</text>`);
  }
  if (t0 < 0 && t1 > 0) out.push(`<line x1="${x(0)}" x2="${x(0)}" y1="${y0}" y2="${y0 + PANEL_H}" stroke="#888" stroke-dasharray="4 3"/>`);
  const barW = Math.max(1, x(t0 + bucketSec) - x(t0) - 1);
  let legendX = W - RIGHT;
  for (const s of [...series].reverse()) {
    legendX -= 12 + s.name.length * 6.5;
    out.push(`<rect x="${legendX}" y="${y0 - 18}" width="9" height="9" fill="${s.color}"/><text x="${legendX + 12}" y="${y0 - 9}" font-size="11">${esc(s.name)}</text>`);
  }
  for (const s of series) {
    if (s.bars) {
      s.values.forEach((v, i) => {
        if (v) out.push(`<rect x="${x(ts[i]).toFixed(1)}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y0 + PANEL_H - y(v)).toFixed(1)}" fill="${s.color}" opacity="0.75"/>`);
      });
    } else {
      let d = '';
      s.values.forEach((v, i) => {
        if (v === null) return;
        d += `${d ? 'L' : 'M'}${(x(ts[i]) + barW / 2).toFixed(1)},${y(Math.min(v, max)).toFixed(1)}`;
      });
      if (d) out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`);
    }
  }
  return out.join('\n');
}

export function renderChart(buckets: Bucket[], bucketSec: number, title: string): string {
  const ts = buckets.map((b) => b.t);
  const panels: Array<[string, string, Series[]]> = [
    ['Arrivals (joins per bucket)', 'joins', [{ name: 'arrivals', color: '#4e79a7', values: buckets.map((b) => b.arrivals), bars: true }]],
    ['Waiting room', 'tickets', [
      { name: 'queue length', color: '#f28e2b', values: buckets.map((b) => b.queue) },
      { name: 'active holds', color: '#59a14f', values: buckets.map((b) => b.holds) },
    ]],
    ['Admissions and sales (per bucket)', 'per bucket', [
      { name: 'admissions', color: '#76b7b2', values: buckets.map((b) => b.admissions), bars: true },
      { name: 'orders accepted', color: '#e15759', values: buckets.map((b) => b.sales) },
    ]],
    ['Latency (join + poll p50/p99, order p99)', 'ms', [
      { name: 'join/poll p50', color: '#9c755f', values: buckets.map((b) => b.p50) },
      { name: 'join/poll p99', color: '#b07aa1', values: buckets.map((b) => b.p99) },
      { name: 'order p99', color: '#e15759', values: buckets.map((b) => b.orderP99) },
    ]],
  ];
  const height = TOP + panels.length * (PANEL_H + GAP) + 30;
  const body = panels.map(([t, unit, series], i) => panel(TOP + i * (PANEL_H + GAP) + 10, t, unit, ts, series, bucketSec)).join('\n');
  const axisY = TOP + panels.length * (PANEL_H + GAP) + 2;
  const t0 = ts[0] ?? 0;
  const t1 = (ts[ts.length - 1] ?? 1) + bucketSec;
  const ticks: string[] = [];
  const step = nice((t1 - t0) / 10);
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    const xx = LEFT + ((t - t0) / (t1 - t0)) * (W - LEFT - RIGHT);
    ticks.push(`<text x="${xx.toFixed(1)}" y="${axisY}" font-size="10" text-anchor="middle">${+t.toFixed(1)} s</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${LEFT}" y="20" font-size="15" font-weight="bold">${esc(title)}</text>
<text x="${W - RIGHT}" y="20" font-size="11" text-anchor="end">time since the open (dashed line); bucket ${bucketSec} s</text>
${body}
${ticks.join('\n')}
</svg>
`;
}
