// Throughput of one URL with a fixed number of looping VUs (a closed model): used for the
// cached listing and, with the same settings, for the static-nginx baseline, so the two
// numbers can be divided. TARGET is a full URL.
import http from 'k6/http';
import { check } from 'k6';
import { num } from './lib/env.js';
import { tick, withTimeline } from './lib/timeline.js';

const TARGET = __ENV.TARGET || 'http://127.0.0.1:8000/api/products?limit=20';

export const options = {
  discardResponseBodies: true,
  scenarios: {
    hammer: { executor: 'constant-vus', vus: num('VUS', 32), duration: __ENV.DURATION || '20s' },
  },
  thresholds: withTimeline({
    http_req_failed: ['rate<0.001'],
    checks: ['rate>0.999'],
  }),
};

export default function () {
  tick();
  const res = http.get(TARGET);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
