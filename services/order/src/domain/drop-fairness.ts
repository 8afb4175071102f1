import { createHash, randomBytes } from 'node:crypto';

/**
 * The pre-queue shuffle, a pure function anyone can recompute (docs/drops.md, scripts/drop-verify.ts).
 *
 *   commitment = sha256(seed)                                  published when the drop is created
 *   listHash   = sha256(sorted ticket ids joined by "\n")     the whole pre-queue at the open
 *   key(t)     = sha256(seed + ":" + listHash + ":" + t)       one key per ticket id t
 *   order      = ticket ids sorted by key(t) (hex, ascending), ties by ticket id
 *
 * The seed is the operator's and is fixed by the commitment before anyone joins; the list is
 * the buyers'. Neither side alone can predict or steer the result: a buyer does not know the
 * seed, and the operator cannot change it, only add tickets (which everyone sees counted).
 */
export const SHUFFLE_ALGORITHM = 'sha256(seed:sha256(sorted tickets joined by \\n):ticket), ascending';

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

export function newSeed(): { seed: string; seedHash: string } {
  const seed = randomBytes(32).toString('hex');
  return { seed, seedHash: commitment(seed) };
}

export function commitment(seed: string): string {
  return sha256(seed);
}

export function ticketListHash(tickets: string[]): string {
  return sha256([...tickets].sort().join('\n'));
}

export function shuffleTickets(seed: string, tickets: string[]): string[] {
  const listHash = ticketListHash(tickets);
  const keyed = tickets.map((t) => ({ t, k: sha256(`${seed}:${listHash}:${t}`) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  return keyed.map((x) => x.t);
}
