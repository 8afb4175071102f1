/**
 * Recompute a drop's pre-queue shuffle in the browser (docs/drops.md, "The shuffle"), so
 * a buyer need not trust the server's word for it:
 *
 *   commitment = sha256(seed)                                 published at creation
 *   listHash   = sha256(sorted ticket ids joined by "\n")
 *   key(t)     = sha256(seed + ":" + listHash + ":" + t)
 *   order      = ticket ids sorted by key(t) ascending (hex), ties by ticket id
 *
 * Web Crypto only (crypto.subtle exists in browsers and in Node), no DOM: unit tested.
 */
export interface FairnessRecord {
  algorithm: string;
  seedHash: string;
  seed: string;
  ticketListHash: string;
  tickets: string[];
  order: string[];
}

export interface Verdict {
  /** sha256(seed) is the commitment published when the drop was created. */
  commitment: boolean;
  /** The list hash matches the tickets listed. */
  listHash: boolean;
  /** The order is what the function gives for this seed and these tickets. */
  order: boolean;
  /** Where `ticketId` landed (1-based), if given and listed. */
  position: number | null;
  ok: boolean;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function shuffle(seed: string, tickets: string[]): Promise<string[]> {
  const listHash = await sha256Hex([...tickets].sort().join('\n'));
  const keyed = await Promise.all(tickets.map(async (t) => ({ t, k: await sha256Hex(`${seed}:${listHash}:${t}`) })));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  return keyed.map((x) => x.t);
}

/** Checks a fairness record against the commitment the drop published (`publishedSeedHash`). */
export async function verifyShuffle(record: FairnessRecord, publishedSeedHash: string, ticketId?: string): Promise<Verdict> {
  const commitment = (await sha256Hex(record.seed)) === publishedSeedHash && record.seedHash === publishedSeedHash;
  const listHash = (await sha256Hex([...record.tickets].sort().join('\n'))) === record.ticketListHash;
  const expected = await shuffle(record.seed, record.tickets);
  const order = expected.length === record.order.length && expected.every((t, i) => t === record.order[i]);
  const at = ticketId ? expected.indexOf(ticketId) : -1;
  return { commitment, listHash, order, position: at >= 0 ? at + 1 : null, ok: commitment && listHash && order };
}
