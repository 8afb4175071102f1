// Joins of a drop's queue after its open, each iteration a buyer who has not joined yet (a new token, as in
// the rehearsal's spike), from the file load-tests/drop-rehearsal/admitted-drop.ts --join-only wrote.
// PHASE=warmup takes the first WARMUP buyers, any other phase the rest (profile-run.sh runs both). Closed model.
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';
import { num } from './lib/env.js';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:8000';
const data = JSON.parse(open(__ENV.BUYERS));
const WARMUP = num('WARMUP', 500);
const mine = __ENV.PHASE === 'warmup' ? data.buyers.slice(0, WARMUP) : data.buyers.slice(WARMUP);

export const options = {
  discardResponseBodies: true,
  scenarios: { joins: { executor: 'shared-iterations', vus: num('VUS', 32), iterations: mine.length, maxDuration: __ENV.DURATION || '20s' } },
};

export default function () {
  const b = mine[exec.scenario.iterationInTest];
  const res = http.post(`${BASE}/api/drops/${data.dropId}/queue`, null, { headers: { Authorization: `Bearer ${b.access}` } });
  check(res, { 'status is 200': (r) => r.status === 200 });
}
