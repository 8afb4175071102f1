// Soak: steady browsing for a long time (DURATION, default 10m) to expose leaks and
// slow drift; watch the services' memory in /metrics while it runs.
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, num } from './lib/env.js';

export const options = {
  scenarios: {
    soak: { executor: 'constant-arrival-rate', rate: num('RATE', 200), timeUnit: '1s', duration: __ENV.DURATION || '10m', preAllocatedVUs: 50, maxVUs: 200 },
  },
  thresholds: { http_req_failed: ['rate<0.001'], http_req_duration: ['p(99)<200'] },
};

export default function () {
  const list = http.get(`${BASE_URL}/api/products?limit=20&sort=newest`);
  check(list, { 'listing is 200': (r) => r.status === 200 });
  const id = list.json('items.0.id');
  check(http.get(`${BASE_URL}/api/products/${id}`), { 'product is 200': (r) => r.status === 200 });
}
