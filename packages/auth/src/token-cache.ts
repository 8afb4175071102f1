import type { AccessClaims } from './types.js';

/**
 * Verified tokens, keyed by the token string itself, kept until they expire. A Map
 * keeps insertion order, which is enough for LRU: a hit is re-inserted at the end and
 * the oldest entry is dropped when full. The hot path then skips the RSA check.
 *
 * The key used to be a sha256 of the token: 20-40 µs of CPU per request on a drop poll
 * (load-tests/results/buy-path-profile.md), to save ~1 KB per entry. The Map hashes the
 * string natively (well under a microsecond) and compares it whole on a hit, so only the
 * exact token that was verified can ever match.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, AccessClaims>();

  constructor(private readonly maxEntries = 10_000) {}

  static keyOf(token: string): string {
    return token;
  }

  get(key: string, nowSec: number): AccessClaims | undefined {
    const claims = this.entries.get(key);
    if (!claims) return undefined;
    this.entries.delete(key);
    if (claims.exp <= nowSec) return undefined;
    this.entries.set(key, claims);
    return claims;
  }

  set(key: string, claims: AccessClaims): void {
    this.entries.delete(key);
    this.entries.set(key, claims);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
