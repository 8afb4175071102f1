import { describe, it, expect } from '@jest/globals';
import { VerifiedTokenCache } from '../src/token-cache.js';
import type { AccessClaims } from '../src/types.js';

const claims = (exp: number): AccessClaims => ({ sub: 's', exp, typ: 'Bearer' });

describe('VerifiedTokenCache', () => {
  it('when full, then the least recently used entry is dropped', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', claims(100));
    cache.set('b', claims(100));
    expect(cache.get('a', 0)).toBeDefined();
    cache.set('c', claims(100));
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)).toBeDefined();
    expect(cache.size).toBe(2);
  });

  it('when an entry has expired, then it is not returned and is removed', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('a', claims(100));
    expect(cache.get('a', 100)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('when entries expired and a minute passed since the last sweep, then the next set drops them all, unread', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('a', claims(100), 0);
    cache.set('b', claims(200), 10);
    cache.set('c', claims(1000), 30);
    // Not a minute after the first sweep (at 0): nothing is swept, though a has expired.
    cache.set('d', claims(1000), 59);
    expect(cache.size).toBe(4);
    cache.set('e', claims(1000), 150);
    expect(cache.size).toBe(4);
    expect(cache.get('a', 0)).toBeUndefined();
    cache.set('f', claims(1000), 210);
    expect(cache.size).toBe(4);
    expect(['c', 'd', 'e', 'f'].every((k) => cache.get(k, 210))).toBe(true);
  });
});
