/**
 * Recomputes a drop's pre-queue order from what the drop publishes, with nothing but sha256
 * (the storefront's own verifier, Web Crypto only, not the service's code):
 *   npm run drop:verify -- <dropId> [edge, default http://127.0.0.1:8000]
 * Checks that sha256(seed) is the commitment published at creation and that the shuffle of
 * the published ticket list (docs/drops.md) gives the published order. Exit 1 on a mismatch.
 */
import { verifyShuffle, type FairnessRecord } from '../storefront/src/fairness.js';

const [dropId, edge = 'http://127.0.0.1:8000'] = process.argv.slice(2);
if (!dropId) {
  console.error('usage: npm run drop:verify -- <dropId> [edge url]');
  process.exit(2);
}
const get = async (path: string) => {
  const res = await fetch(`${edge}${path}`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
};

const drop = (await get(`/api/drops/${dropId}`)) as { fairness: { seedHash: string } };
const fair = (await get(`/api/drops/${dropId}/fairness`)) as unknown as FairnessRecord;

const verdict = await verifyShuffle(fair, drop.fairness.seedHash);
const checks = {
  commitment: verdict.commitment,
  listHash: verdict.listHash,
  sameTickets: JSON.stringify([...fair.order].sort()) === JSON.stringify([...fair.tickets].sort()),
  order: verdict.order,
};
console.log(JSON.stringify({ dropId, preQueue: fair.tickets.length, ...checks }));
process.exit(Object.values(checks).every(Boolean) ? 0 : 1);
