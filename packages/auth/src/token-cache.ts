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
/** How often `set` also drops every expired entry (a full pass over at most maxEntries). */
const SWEEP_EVERY_SEC = 60;

export class VerifiedTokenCache {
  private readonly entries = new Map<string, AccessClaims>();
  private nextSweepSec = 0;

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

  /**
   * With `nowSec` (the same clock `get` is given), at most once a minute every expired entry goes
   * too: a crowd's tokens (a drop's 5,000 buyers, ~2 KB each with their claims) are never read
   * again once it has left, and without a sweep they stayed until 10,000 newer ones pushed them out.
   */
  set(key: string, claims: AccessClaims, nowSec?: number): void {
    if (nowSec !== undefined && nowSec >= this.nextSweepSec) {
      this.nextSweepSec = nowSec + SWEEP_EVERY_SEC;
      for (const [k, c] of this.entries) if (c.exp <= nowSec) this.entries.delete(k);
    }
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
