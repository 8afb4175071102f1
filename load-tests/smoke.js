// Smoke: a short, bounded pass over the public surface through the edge. Run by `npm test`.
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL } from './lib/env.js';

export const options = {
  vus: 2,
  iterations: 20,
  duration: '30s',
  thresholds: {
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
    http_req_duration: ['p(95)<500'],
  },
};

http.setResponseCallback(http.expectedStatuses(200, 404));

export default function () {
  const list = http.get(`${BASE_URL}/api/products?limit=5`);
  check(list, {
    'listing is 200': (r) => r.status === 200,
    'listing has 5 items': (r) => r.json('items').length === 5,
    'listing has a cursor': (r) => typeof r.json('nextCursor') === 'string',
  });
  const id = list.json('items.0.id');
  const one = http.get(`${BASE_URL}/api/products/${id}`);
  check(one, { 'product page is 200': (r) => r.status === 200 && r.json('id') === id });
  const stock = http.get(`${BASE_URL}/api/inventory/${id}`);
  check(stock, { 'stock is known': (r) => r.status === 200 && Number.isInteger(r.json('available')) });
  const cats = http.get(`${BASE_URL}/api/categories`);
  check(cats, { 'categories are listed': (r) => r.status === 200 && r.json('items').length > 0 });
  const missing = http.get(`${BASE_URL}/api/no-such-thing`);
  check(missing, { 'unknown path is a JSON 404': (r) => r.status === 404 && r.json('error.code') !== undefined });
}
