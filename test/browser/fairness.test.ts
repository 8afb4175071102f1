/** The drop page's own copy of the shuffle (storefront/src/fairness.ts) agrees with the server's. */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { commitment, newSeed, shuffleTickets, ticketListHash } from '../../services/order/src/domain/drop-fairness.js';
import { shuffle, verifyShuffle, type FairnessRecord } from '../../storefront/src/fairness.js';

function record(): FairnessRecord {
  const { seed, seedHash } = newSeed();
  const tickets = Array.from({ length: 50 }, () => randomUUID()).sort();
  return { algorithm: 'x', seed, seedHash, tickets, ticketListHash: ticketListHash(tickets), order: shuffleTickets(seed, tickets) };
}

describe('recomputing the shuffle in the browser', () => {
  it('when the server published an honest record, then the page gets the same order and says so', async () => {
    const r = record();
    expect(await shuffle(r.seed, r.tickets)).toEqual(r.order);
    const verdict = await verifyShuffle(r, commitment(r.seed), r.order[6]);
    expect(verdict).toEqual({ commitment: true, listHash: true, order: true, position: 7, ok: true });
  });

  it('when the seed does not match the commitment made at creation, then the page says so', async () => {
    const r = record();
    const other = newSeed();
    expect((await verifyShuffle({ ...r, seed: other.seed }, r.seedHash)).commitment).toBe(false);
    expect((await verifyShuffle(r, other.seedHash)).ok).toBe(false);
  });

  it('when two tickets are swapped in the published order, then the page catches it', async () => {
    const r = record();
    const order = [...r.order];
    [order[0], order[1]] = [order[1], order[0]];
    expect(await verifyShuffle({ ...r, order }, r.seedHash)).toMatchObject({ commitment: true, listHash: true, order: false, ok: false });
  });

  it('when a ticket is dropped from the list, then the list hash no longer matches', async () => {
    const r = record();
    expect((await verifyShuffle({ ...r, tickets: r.tickets.slice(1) }, r.seedHash)).listHash).toBe(false);
  });
});
