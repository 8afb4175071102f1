// Browse: an open model (constant arrival rate) over listings, searches and product pages.
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, num } from './lib/env.js';
import { tick, withTimeline } from './lib/timeline.js';

export const options = {
  discardResponseBodies: false,
  scenarios: {
    browse: {
      executor: 'constant-arrival-rate',
      rate: num('RATE', 1000),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: num('VUS', 100),
      maxVUs: num('MAX_VUS', 400),
    },
  },
  thresholds: withTimeline({
    http_req_failed: ['rate<0.01'],
    'http_req_duration{kind:listing}': ['p(99)<100'],
    'http_req_duration{kind:product}': ['p(99)<150'],
    dropped_iterations: ['count<100'],
  }),
};

export function setup() {
  const ids = [];
  let cursor = '';
  for (let page = 0; page < 5; page++) {
    const res = http.get(`${BASE_URL}/api/products?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...res.json('items').map((p) => p.id));
    cursor = res.json('nextCursor');
    if (!cursor) break;
  }
  return { ids };
}

const sorts = ['newest', 'price_asc', 'price_desc', 'name'];

export default function ({ ids }) {
  tick();
  const roll = Math.random();
  let res;
  if (roll < 0.5) {
    res = http.get(`${BASE_URL}/api/products?limit=20&sort=${sorts[Math.floor(Math.random() * sorts.length)]}`, { tags: { kind: 'listing' } });
  } else if (roll < 0.6) {
    res = http.get(`${BASE_URL}/api/products?q=hoodie&limit=20`, { tags: { kind: 'listing' } });
  } else {
    res = http.get(`${BASE_URL}/api/products/${ids[Math.floor(Math.random() * ids.length)]}`, { tags: { kind: 'product' } });
  }
  check(res, { 'status is 200': (r) => r.status === 200 });
}
