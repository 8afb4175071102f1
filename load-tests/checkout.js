// Checkout journey: customers log in (before the load), put a product in the cart, order
// from the cart and wait for the order to become final.
import http from 'k6/http';
import exec from 'k6/execution';
import { check, sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import { BASE_URL, num } from './lib/env.js';
import { bearer, userToken } from './lib/auth.js';
import { tick, withTimeline } from './lib/timeline.js';

const confirmed = new Counter('checkout_confirmed');
const notConfirmed = new Counter('checkout_not_confirmed');
const timeToFinal = new Trend('checkout_time_to_final', true);
const FINAL = ['CONFIRMED', 'REJECTED', 'CANCELLED', 'EXPIRED'];

// Refusals are answers, not failures: a sold-out 409 or an anti-hoarding 429 is the shop working.
http.setResponseCallback(http.expectedStatuses(200, 201, 202, 409));

export const options = {
  setupTimeout: '300s',
  scenarios: {
    checkout: {
      executor: 'constant-arrival-rate',
      rate: num('RATE', 10),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: num('VUS', 30),
      maxVUs: num('MAX_VUS', 100),
    },
  },
  thresholds: withTimeline({
    checks: ['rate>0.99'],
    checkout_not_confirmed: ['count==0'],
    checkout_time_to_final: ['p(95)<3000'],
    'http_req_duration{name:place-order}': ['p(95)<300'],
  }),
};

export function setup() {
  const tokens = [];
  for (let n = 0; n < num('USERS', 20); n++) tokens.push(userToken(`checkout-${n}@load.test`, 'Checkout-pass-123!', `Checkout ${n}`));
  const ids = http.get(`${BASE_URL}/api/products?limit=100&sort=price_desc`).json('items').map((p) => p.id);
  return { tokens, ids };
}

export default function ({ tokens, ids }) {
  tick();
  const token = tokens[exec.scenario.iterationInTest % tokens.length];
  const productId = ids[Math.floor(Math.random() * ids.length)];
  const add = http.post(`${BASE_URL}/api/cart/items`, JSON.stringify({ productId, quantity: 1 }), bearer(token));
  check(add, { 'added to cart': (r) => r.status === 200 || r.status === 201 });
  const key = `${exec.scenario.startTime}-${exec.scenario.iterationInTest}`;
  const order = http.post(`${BASE_URL}/api/orders`, JSON.stringify({ paymentToken: 'tok_visa' }), {
    ...bearer(token, { 'Idempotency-Key': key }),
    tags: { name: 'place-order' },
  });
  if (!check(order, { 'order accepted': (r) => r.status === 202 })) return;
  const started = Date.now();
  let status = 'PENDING';
  for (let i = 0; i < 50 && !FINAL.includes(status); i++) {
    sleep(0.1);
    tick(); // the polls of one order span seconds
    status = http.get(`${BASE_URL}/api/orders/${order.json('id')}`, { ...bearer(token), tags: { name: 'poll-order' } }).json('status');
  }
  timeToFinal.add(Date.now() - started);
  if (status === 'CONFIRMED') confirmed.add(1);
  else notConfirmed.add(1, { status });
}
