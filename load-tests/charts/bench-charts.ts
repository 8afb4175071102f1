/**
 * The benchmark's chart per scenario: throughput and p50/p99 latency over time, from the
 * per-bucket submetrics that load-tests/lib/timeline.js makes k6 keep in its summary export
 * (`http_reqs{t:N}`, `http_req_duration{t:N}`).
 */
import { renderSvgChart } from './svg-chart.js';

type Metric = Record<string, number>;

export interface TimelineBucket {
  /** Seconds since the scenario started. */
  t: number;
  rps: number;
  p50: number | null;
  p99: number | null;
}

/** The scenario's buckets from its summary, from the first with a request to the last. */
export function timelineOf(metrics: Record<string, Metric>, bucketSec: number): TimelineBucket[] {
  const buckets = new Map<number, TimelineBucket>();
  for (const [name, m] of Object.entries(metrics)) {
    const reqs = /^http_reqs\{t:(\d+)\}$/.exec(name);
    const dur = /^http_req_duration\{t:(\d+)\}$/.exec(name);
    const n = Number((reqs ?? dur)?.[1] ?? NaN);
    if (Number.isNaN(n)) continue;
    const b = buckets.get(n) ?? { t: n * bucketSec, rps: 0, p50: null, p99: null };
    if (reqs) b.rps = +((m.count ?? 0) / bucketSec).toFixed(1);
    else if ((metrics[`http_reqs{t:${n}}`]?.count ?? 0) > 0) {
      b.p50 = +(m.med ?? 0).toFixed(2);
      b.p99 = +(m['p(99)'] ?? 0).toFixed(2);
    }
    buckets.set(n, b);
  }
  const sorted = [...buckets.values()].sort((a, b) => a.t - b.t);
  const first = sorted.findIndex((b) => b.rps > 0);
  const last = sorted.findLastIndex((b) => b.rps > 0);
  return first < 0 ? [] : sorted.slice(first, last + 1);
}

export function renderBenchChart(title: string, timeline: TimelineBucket[], bucketSec: number): string {
  return renderSvgChart({
    title,
    note: `time since the scenario started; bucket ${bucketSec} s (the last may be partial)`,
    t: timeline.map((b) => b.t),
    bucketSec,
    panels: [
      { title: 'Throughput (requests per second)', unit: 'req/s', series: [{ name: 'requests/s', color: '#4e79a7', values: timeline.map((b) => b.rps), bars: true }] },
      { title: 'Latency (p50, p99)', unit: 'ms', series: [
        { name: 'p50', color: '#59a14f', values: timeline.map((b) => b.p50) },
        { name: 'p99', color: '#e15759', values: timeline.map((b) => b.p99) },
      ] },
    ],
  });
}
