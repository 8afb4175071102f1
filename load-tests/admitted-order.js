// Admitted buyers' orders: each iteration is one buyer of the file load-tests/drop-rehearsal/admitted-drop.ts
// wrote, ordering one unit with its admission token (single use, so each buyer orders once). PHASE=warmup
// takes the first WARMUP buyers, any other phase the rest (profile-run.sh runs both). Closed model, VUS.
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';
import { num } from './lib/env.js';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:8000';
const data = JSON.parse(open(__ENV.ADMITTED));
const WARMUP = num('WARMUP', 300);
const mine = __ENV.PHASE === 'warmup' ? data.buyers.slice(0, WARMUP) : data.buyers.slice(WARMUP);

export const options = {
  discardResponseBodies: true,
  scenarios: { orders: { executor: 'shared-iterations', vus: num('VUS', 16), iterations: mine.length, maxDuration: __ENV.DURATION || '20s' } },
};

export default function () {
  const b = mine[exec.scenario.iterationInTest];
  const body = JSON.stringify({ items: [{ productId: data.productId, quantity: 1 }], paymentToken: 'tok_visa' });
  const res = http.post(`${BASE}/api/orders`, body, {
    headers: { Authorization: `Bearer ${b.access}`, 'X-Admission-Token': b.admission, 'Idempotency-Key': `${data.dropId}-${__ENV.PHASE || 'm'}-${exec.scenario.iterationInTest}`, 'Content-Type': 'application/json' },
  });
  check(res, { 'status is 202': (r) => r.status === 202 });
}
