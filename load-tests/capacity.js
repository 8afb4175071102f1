// One hot route at a fixed arrival rate (an open model), for the capacity model
// (docs/capacity.md): load-tests/capacity.ts runs it once per route and divides the CPU time
// the stack's processes spent by the requests counted here. ROUTE picks the route, DATA is the
// JSON file capacity.ts prepared (tokens, product ids, the drop, orders), RATE and DURATION
// the load. Every answer is checked; refusals are counted by status.
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';

const ROUTE = __ENV.ROUTE;
const EDGE = __ENV.BASE_URL || 'http://127.0.0.1:8000';
const data = JSON.parse(open(__ENV.DATA));
const JSON_HEADERS = { 'Content-Type': 'application/json' };

export const options = {
  discardResponseBodies: true,
  scenarios: {
    fixed: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 100),
      timeUnit: '1s',
      duration: __ENV.DURATION || '15s',
      preAllocatedVUs: Number(__ENV.VUS || 50),
      maxVUs: Number(__ENV.MAX_VUS || 400),
    },
  },
};

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const auth = (token, extra = {}) => ({ headers: { ...JSON_HEADERS, Authorization: `Bearer ${token}`, ...extra } });
/** A replica's own port, round-robin: the service without the edge and its micro-cache. */
const replica = () => `http://127.0.0.1:${data.productPorts[exec.scenario.iterationInTest % data.productPorts.length]}`;

const ROUTES = {
  baseline: () => http.get('http://127.0.0.1:8099/'),
  'product-list': () => http.get(`${EDGE}/api/products?limit=20`),
  'product-list-service': () => http.get(`${replica()}/api/products?limit=20`),
  'product-detail': () => http.get(`${EDGE}/api/products/${pick(data.productIds)}`),
  'product-detail-service': () => http.get(`${replica()}/api/products/${pick(data.productIds)}`),
  'cart-add': () => http.post(`${EDGE}/api/cart/items`, JSON.stringify({ productId: pick(data.productIds), quantity: 1 }), auth(data.tokens[exec.scenario.iterationInTest % data.tokens.length])),
  'place-order': () => {
    const i = exec.scenario.iterationInTest;
    const body = JSON.stringify({ items: [{ productId: data.orderProductId, quantity: 1 }], paymentToken: 'tok_visa' });
    return http.post(`${EDGE}/api/orders`, body, auth(data.tokens[i % data.tokens.length], { 'Idempotency-Key': `cap-${data.runId}-${i}` }));
  },
  'order-status': () => {
    const o = pick(data.orders);
    return http.get(`${EDGE}/api/orders/${o.id}`, auth(o.token));
  },
  'drop-join': () => http.post(`${EDGE}/api/drops/${data.dropId}/queue`, null, auth(data.tokens[exec.scenario.iterationInTest % data.tokens.length])),
  'drop-poll': () => http.get(`${EDGE}/api/drops/${data.dropId}/queue/me`, auth(pick(data.joined))),
};
const OK = { 'place-order': [202], 'drop-join': [200, 201] };

export default function () {
  const res = ROUTES[ROUTE]();
  const ok = OK[ROUTE] || [200, 201];
  check(res, { [`status in ${ok.join('/')}`]: (r) => ok.includes(r.status) });
  check(res, { [`status ${res.status}`]: () => true });
}
