/**
 * What load-tests/profile/semi-space-run.sh loads one order replica with, made once and re-signed
 * before every measured point (access tokens live 5 minutes):
 *   node --import tsx load-tests/profile/semi-space-prep.ts DIR [BUYERS]
 * - BUYERS (64) rehearsal buyers (cached in DIR/buyers.json; made through Keycloak's partial import
 *   the first time, refreshed after that);
 * - DIR/sold-out.json: a product with no stock and the buyers' tokens, for load-tests/sold-out.js;
 * - DIR/poll-tokens.json and DIR/drop.json: a drop opening in 6 hours that every buyer joined (its
 *   tickets stay WAITING, so every point polls the same state), for load-tests/drop-poll.js.
 * Product and drop are made once (DIR/state.json); close the drop afterwards with
 * load-tests/profile/close-drop.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signedInBuyers } from '../drop-rehearsal/buyers.js';
import { call } from '../drop-rehearsal/http.js';
import { adminToken, bearer, dropProduct, scheduleDrop } from '../drop-rehearsal/setup.js';

const [dir, count = '64'] = process.argv.slice(2);
if (!dir) throw new Error('usage: semi-space-prep.ts DIR [BUYERS]');
const EDGE = process.env.EDGE ?? 'http://127.0.0.1:8000';
const stateFile = join(dir, 'state.json');
const state: { soldOutProductId?: string; dropId?: string } = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};

const { buyers } = await signedInBuyers(join(dir, 'buyers.json'), Number(count), () => {});
const tokens = buyers.map((b) => b.accessToken!);

if (!state.soldOutProductId || !state.dropId) {
  const admin = await adminToken(EDGE);
  if (!state.soldOutProductId) {
    const sku = `SEMI-SOLDOUT-${Date.now()}`;
    state.soldOutProductId = await dropProduct(EDGE, admin, { sku, name: `Sold out ${sku}`, price: 4999, units: 0, cap: 5 });
  }
  if (!state.dropId) {
    const sku = `SEMI-DROP-${Date.now()}`;
    const productId = await dropProduct(EDGE, admin, { sku, name: `Semi-space drop ${sku}`, price: 100, units: 100000, cap: 1 });
    const drop = await scheduleDrop(EDGE, admin, { productId, units: 100000, opensAt: Date.now() + 6 * 3600_000, admitPerSecond: 1, holdSeconds: 600 });
    state.dropId = drop.id as string;
    for (const t of tokens) {
      const res = await call(EDGE, 'POST', `/api/drops/${state.dropId}/queue`, bearer(t));
      if (res.status !== 200 && res.status !== 201) throw new Error(`join: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
  writeFileSync(stateFile, JSON.stringify(state));
}
// The sold-out product must answer from inventory before its first order is refused by the gate.
for (let k = 0; k < 50; k++) {
  if ((await call(EDGE, 'GET', `/api/inventory/${state.soldOutProductId}`)).status === 200) break;
  await new Promise((r) => setTimeout(r, 200));
}
writeFileSync(join(dir, 'sold-out.json'), JSON.stringify({ productId: state.soldOutProductId, tokens }));
writeFileSync(join(dir, 'poll-tokens.json'), JSON.stringify(tokens));
writeFileSync(join(dir, 'drop.json'), JSON.stringify({ dropId: state.dropId }));
console.log(JSON.stringify({ buyers: tokens.length, ...state }));
