// Throughput and latency over time, for the benchmark's charts (load-tests/charts/bench-charts.ts).
// k6's summary has no time axis, so each request is tagged with its time bucket (`t`, seconds
// since the scenario started, in buckets of TIMELINE_BUCKET_S) and a threshold that always
// passes makes k6 keep a submetric per bucket; the summary export then holds
// `http_reqs{t:N}` and `http_req_duration{t:N}` with the trend stats. TIMELINE_BUCKETS=0 (the
// default outside the bench) turns it off. Cost: k6 matches each sample against 2 x BUCKETS
// submetrics.
import exec from 'k6/execution';
import { num } from './env.js';

const BUCKETS = num('TIMELINE_BUCKETS', 0);
const BUCKET_MS = num('TIMELINE_BUCKET_S', 1) * 1000;

/** The scenario's thresholds plus one always-passing threshold per time bucket. */
export function withTimeline(thresholds) {
  const out = { ...thresholds };
  for (let b = 0; b < BUCKETS; b++) {
    out[`http_reqs{t:${b}}`] = ['count>=0'];
    out[`http_req_duration{t:${b}}`] = ['max>=0'];
  }
  return out;
}

/** Tags what this VU sends next with the current bucket; call it before each request burst. */
export function tick() {
  if (BUCKETS === 0) return;
  const b = Math.min(BUCKETS - 1, Math.floor((Date.now() - exec.scenario.startTime) / BUCKET_MS));
  exec.vu.metrics.tags.t = String(b);
}
