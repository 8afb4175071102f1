// Sold-out orders only, a closed loop of VUS for DURATION, each with a new Idempotency-Key: the cost of the
// sold-out answer (profile-run.sh drives one replica with it). DATA: the JSON of profile/sold-out-prep.mjs.
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import { BASE_URL, num } from './lib/env.js';

const data = new SharedArray('sold-out', () => [JSON.parse(open(__ENV.DATA))]);

export const options = {
  discardResponseBodies: true,
  scenarios: { soldOut: { executor: 'constant-vus', vus: num('VUS', 16), duration: __ENV.DURATION || '10s' } },
};

export default function () {
  const { productId, tokens } = data[0];
  const i = exec.scenario.iterationInTest;
  const res = http.post(`${BASE_URL}/api/orders`, JSON.stringify({ items: [{ productId, quantity: 1 }] }), {
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens[i % tokens.length]}`, 'Idempotency-Key': `so-${exec.scenario.startTime}-${i}` },
  });
  check(res, { 'sold out': (r) => r.status === 409 });
}
