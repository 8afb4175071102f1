/**
 * Time-series charts as plain SVG, for the reports committed beside their markdown: panels
 * stacked on one time axis, each with bars or lines. The drop rehearsal's chart
 * (drop-rehearsal/chart.ts) and the benchmark's per-scenario charts (bench-charts.ts) are
 * both drawn here.
 */
export interface Series {
  name: string;
  color: string;
  values: Array<number | null>;
  bars?: boolean;
}

export interface Panel {
  title: string;
  unit: string;
  series: Series[];
}

export interface Chart {
  title: string;
  /** Top right: what the axis measures from, the bucket. */
  note: string;
  /** Each bucket's start, in seconds. */
  t: number[];
  bucketSec: number;
  panels: Panel[];
  /** A dashed vertical line at this time (the rehearsal's open), when inside the axis. */
  marker?: number;
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

function panel(y0: number, p: Panel, ts: number[], bucketSec: number, marker: number | undefined): string {
  const { title, unit, series } = p;
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
  if (marker !== undefined && t0 < marker && t1 > marker) {
    out.push(`<line x1="${x(marker)}" x2="${x(marker)}" y1="${y0}" y2="${y0 + PANEL_H}" stroke="#888" stroke-dasharray="4 3"/>`);
  }
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

export function renderSvgChart(chart: Chart): string {
  const { t: ts, bucketSec, panels } = chart;
  const height = TOP + panels.length * (PANEL_H + GAP) + 30;
  const body = panels.map((p, i) => panel(TOP + i * (PANEL_H + GAP) + 10, p, ts, bucketSec, chart.marker)).join('\n');
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
<text x="${LEFT}" y="20" font-size="15" font-weight="bold">${esc(chart.title)}</text>
<text x="${W - RIGHT}" y="20" font-size="11" text-anchor="end">${esc(chart.note)}</text>
${body}
${ticks.join('\n')}
</svg>
`;
}
