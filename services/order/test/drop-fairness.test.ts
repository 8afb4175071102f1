import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { commitment, newSeed, shuffleTickets, ticketListHash } from '../src/domain/drop-fairness.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('the pre-queue shuffle', () => {
  const tickets: string[] = Array.from({ length: 50 }, () => randomUUID());

  it('when recomputed by hand from the documented formula, then it gives the same order', () => {
    const { seed, seedHash } = newSeed();
    expect(seedHash).toBe(sha256(seed));
    expect(commitment(seed)).toBe(seedHash);
    const listHash = sha256([...tickets].sort().join('\n'));
    expect(ticketListHash(tickets)).toBe(listHash);
    const byHand = [...tickets].sort((a, b) => (sha256(`${seed}:${listHash}:${a}`) < sha256(`${seed}:${listHash}:${b}`) ? -1 : 1));
    expect(shuffleTickets(seed, tickets)).toEqual(byHand);
  });

  it('when the input order changes, then the result does not; when one ticket is added, then the order of the others changes', () => {
    const { seed } = newSeed();
    const order = shuffleTickets(seed, tickets);
    expect(shuffleTickets(seed, [...tickets].reverse())).toEqual(order);
    expect(new Set(order)).toEqual(new Set(tickets));
    const withOneMore = shuffleTickets(seed, [...tickets, randomUUID()]).filter((t) => tickets.includes(t));
    expect(withOneMore).not.toEqual(order);
    expect(shuffleTickets(newSeed().seed, tickets)).not.toEqual(order);
  });
});
