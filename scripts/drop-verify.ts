/**
 * Recomputes a drop's pre-queue order from what the drop publishes, with nothing but sha256:
 *   npm run drop:verify -- <dropId> [edge, default http://127.0.0.1:8000]
 * Checks that sha256(seed) is the commitment published at creation and that the shuffle of
 * the published ticket list (docs/drops.md) gives the published order. Exit 1 on a mismatch.
 */
import { createHash } from 'node:crypto';

const [dropId, edge = 'http://127.0.0.1:8000'] = process.argv.slice(2);
if (!dropId) {
  console.error('usage: npm run drop:verify -- <dropId> [edge url]');
  process.exit(2);
}
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const get = async (path: string) => {
  const res = await fetch(`${edge}${path}`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
};

const drop = (await get(`/api/drops/${dropId}`)) as { fairness: { seedHash: string } };
const fair = (await get(`/api/drops/${dropId}/fairness`)) as { seed: string; seedHash: string; tickets: string[]; order: string[] };

// The function, written out again here on purpose (not imported from the service).
const listHash = sha256([...fair.tickets].sort().join('\n'));
const recomputed = fair.tickets
  .map((t) => ({ t, k: sha256(`${fair.seed}:${listHash}:${t}`) }))
  .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.t < b.t ? -1 : 1))
  .map((x) => x.t);

const checks = {
  commitment: sha256(fair.seed) === drop.fairness.seedHash && fair.seedHash === drop.fairness.seedHash,
  sameTickets: JSON.stringify([...fair.order].sort()) === JSON.stringify([...fair.tickets].sort()),
  order: JSON.stringify(recomputed) === JSON.stringify(fair.order),
};
console.log(JSON.stringify({ dropId, preQueue: fair.tickets.length, ...checks }));
process.exit(Object.values(checks).every(Boolean) ? 0 : 1);
