/**
 * Admitted buyers to profile the order path against (load-tests/results/buy-path-profile.md): --buyers of
 * the cached rehearsal buyers signed in (refresh grant), a drop opening in --lead seconds that admits them
 * all at once (--admit per second, holds of --hold s), each buyer's admission token read by a poll, and a
 * file for k6 (load-tests/admitted-order.js): {productId, buyers: [{access, admission}]}.
 * With --join-only, an open drop and the signed-in buyers only (load-tests/drop-join.js). Access tokens live
 * 5 minutes: profile right after.
 *   node --import tsx load-tests/drop-rehearsal/admitted-drop.ts --buyers 3000
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { call, sleep } from './http.js';
import { adminToken, bearer, dropProduct, scheduleDrop } from './setup.js';
import type { Buyer } from './buyers.js';

const { values: flag } = parseArgs({
  options: {
    buyers: { type: 'string', default: '3000' },
    admit: { type: 'string', default: '10000' },
    hold: { type: 'string', default: '600' },
    lead: { type: 'string', default: '3' },
    edge: { type: 'string', default: 'http://127.0.0.1:8000' },
    cache: { type: 'string', default: '.run/drop-rehearsal/buyers.json' },
    out: { type: 'string', default: '.run/drop-rehearsal/admitted.json' },
    /** Only an open drop nobody joined yet, for load-tests/drop-join.js: {dropId, productId, buyers: [{access}]}. */
    'join-only': { type: 'boolean', default: false },
  },
});
const EDGE = flag.edge!;
const count = Number(flag.buyers);

async function pool<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) { const i = next++; out[i] = await work(items[i]); }
  }));
  return out;
}

async function refreshed(b: Buyer): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'user-service', client_secret: 'user-service-local-secret', refresh_token: b.refreshToken });
  const res = await fetch('http://127.0.0.1:8080/realms/shop/protocol/openid-connect/token', { method: 'POST', body });
  if (!res.ok) throw new Error(`refresh: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

const cached = (JSON.parse(readFileSync(flag.cache!, 'utf8')) as Buyer[]).slice(0, count);
const started = Date.now();
const access = await pool(cached, 8, refreshed);
console.error(`signed in ${access.length} buyers in ${((Date.now() - started) / 1000).toFixed(1)} s`);
const admin = await adminToken(EDGE);
const units = count * 2;
const sku = `ADMITTED-${Date.now()}`;
const productId = await dropProduct(EDGE, admin, { sku, name: `Admitted profile ${sku}`, price: 100, units, cap: 1 });
const opensAt = Date.now() + Number(flag.lead) * 1000 + 2_000;
const drop = await scheduleDrop(EDGE, admin, { productId, units, opensAt, admitPerSecond: Number(flag.admit), holdSeconds: Number(flag.hold) });
if (flag['join-only']) {
  await sleep(Math.max(0, opensAt - Date.now()) + 500);
  writeFileSync(flag.out!, JSON.stringify({ dropId: drop.id, productId, buyers: access.map((a) => ({ access: a })) }));
  console.log(JSON.stringify({ dropId: drop.id, productId, buyers: access.length, file: flag.out }));
  process.exit(0);
}
await pool(access, 32, (t) => call(EDGE, 'POST', `/api/drops/${drop.id}/queue`, bearer(t)));
await sleep(Math.max(0, opensAt - Date.now()) + 1_500);
const admissions = await pool(access, 32, async (t) => {
  for (let k = 0; k < 20; k++) {
    const r = await call(EDGE, 'GET', `/api/drops/${drop.id}/queue/me`, bearer(t));
    if (r.status === 200 && r.body.admission?.token) return r.body.admission.token as string;
    await sleep(500);
  }
  return '';
});
const buyers = access.map((a, i) => ({ access: a, admission: admissions[i] })).filter((b) => b.admission);
writeFileSync(flag.out!, JSON.stringify({ dropId: drop.id, productId, buyers }));
console.log(JSON.stringify({ dropId: drop.id, productId, admitted: buyers.length, of: access.length, file: flag.out }));
