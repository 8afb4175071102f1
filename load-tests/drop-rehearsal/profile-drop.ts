/**
 * A drop to profile the queue against (load-tests/results/buy-path-profile.md): a product, a drop
 * opening in --lead seconds, --join of the cached rehearsal buyers joined before the open, and a
 * token file for k6 (load-tests/drop-poll.js). Prints {dropId, productId, tokens}.
 *   node --import tsx load-tests/drop-rehearsal/profile-drop.ts --join 200 --admit 1 --hold 600
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { passwordGrant } from '@shop/testing';
import { call } from './http.js';
import { adminToken, bearer, dropProduct, scheduleDrop } from './setup.js';
import type { Buyer } from './buyers.js';

const { values: flag } = parseArgs({
  options: {
    join: { type: 'string', default: '200' },
    admit: { type: 'string', default: '1' },
    hold: { type: 'string', default: '600' },
    lead: { type: 'string', default: '10' },
    units: { type: 'string', default: '100000' },
    edge: { type: 'string', default: 'http://127.0.0.1:8000' },
    out: { type: 'string', default: '.run/drop-rehearsal/profile-tokens.json' },
    /** Only sign the buyers in again (refresh grant) and rewrite the token file. */
    refresh: { type: 'boolean', default: false },
  },
});
const EDGE = flag.edge!;
const sessionsFile = `${flag.out}.sessions`;
async function refreshed(refreshToken: string) {
  const body = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'user-service', client_secret: 'user-service-local-secret', refresh_token: refreshToken });
  const res = await fetch('http://127.0.0.1:8080/realms/shop/protocol/openid-connect/token', { method: 'POST', body });
  const json = (await res.json()) as Record<string, string>;
  return { accessToken: json.access_token, refreshToken: json.refresh_token };
}
const sessions: Array<{ accessToken: string; refreshToken: string }> = [];
if (flag.refresh) {
  const old = JSON.parse(readFileSync(sessionsFile, 'utf8')) as Array<{ refreshToken: string }>;
  for (let i = 0; i < old.length; i += 16) sessions.push(...(await Promise.all(old.slice(i, i + 16).map((s) => refreshed(s.refreshToken)))));
  writeFileSync(sessionsFile, JSON.stringify(sessions));
  writeFileSync(flag.out!, JSON.stringify(sessions.map((s) => s.accessToken)));
  console.log(JSON.stringify({ refreshed: sessions.length }));
  process.exit(0);
}
const buyers = (JSON.parse(readFileSync(join('.run', 'drop-rehearsal', 'buyers.json'), 'utf8')) as Buyer[]).slice(-Number(flag.join));
for (let i = 0; i < buyers.length; i += 8) sessions.push(...(await Promise.all(buyers.slice(i, i + 8).map((b) => passwordGrant(b.email, b.password)))));
writeFileSync(sessionsFile, JSON.stringify(sessions));
const tokens = sessions.map((s) => s.accessToken);
const admin = await adminToken(EDGE);
const units = Number(flag.units);
const sku = `PROFILE-${Date.now()}`;
const productId = await dropProduct(EDGE, admin, { sku, name: `Profile drop ${sku}`, price: 100, units, cap: 1 });
const opensAt = Date.now() + Number(flag.lead) * 1000;
const dropId: string = (await scheduleDrop(EDGE, admin, { productId, units, opensAt, admitPerSecond: Number(flag.admit), holdSeconds: Number(flag.hold) })).id;
await Promise.all(tokens.map((t) => call(EDGE, 'POST', `/api/drops/${dropId}/queue`, bearer(t))));
writeFileSync(flag.out!, JSON.stringify(tokens));
console.log(JSON.stringify({ dropId, productId, opensAt: new Date(opensAt).toISOString(), tokens: flag.out }));
