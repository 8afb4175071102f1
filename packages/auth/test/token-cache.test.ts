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
});
