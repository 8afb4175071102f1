// Poll capacity: VUS signed-in buyers polling one drop's queue as fast as the answers come
// (a closed model, ignoring pollAfterMs on purpose), to compare with the static nginx baseline
// (listing.js against :8099, same VUS and DURATION). Used by npm run drop:rehearse.
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';
import { num } from './lib/env.js';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:8000';
const DROP_ID = __ENV.DROP_ID;
const tokens = JSON.parse(open(__ENV.TOKENS));

export const options = {
  discardResponseBodies: true,
  scenarios: { polls: { executor: 'constant-vus', vus: num('VUS', 64), duration: __ENV.DURATION || '10s' } },
};

export default function () {
  const token = tokens[exec.vu.idInTest % tokens.length];
  const res = http.get(`${BASE}/api/drops/${DROP_ID}/queue/me`, { headers: { Authorization: `Bearer ${token}` } });
  check(res, { 'status is 200': (r) => r.status === 200 });
}
