import type { RedisClient } from '@shop/cache';
import type { AccessClaims } from './types.js';

/**
 * Logout deny-list. Keycloak access tokens carry `sid`, the login session; denying the
 * session refuses every access token of that login (also ones a refresh produced
 * before the logout), not just the one presented. Tokens without `sid` (service
 * accounts) are denied by `jti`. A key lives as long as any token it covers can.
 */
const PREFIX = 'auth:deny:';

function denyKey(claims: Pick<AccessClaims, 'sid' | 'jti' | 'sub'>): string | undefined {
  if (claims.sid) return `${PREFIX}sid:${claims.sid}`;
  if (claims.jti) return `${PREFIX}jti:${claims.jti}`;
  return undefined;
}

export interface DenyOptions {
  /** The realm's access-token lifespan: a session key must outlive every token of it. */
  maxTokenLifetimeSec?: number;
  clockToleranceSec?: number;
}

/** Refuses this token (and, through `sid`, its whole session) on every service until it expires. */
export async function denyToken(
  redis: RedisClient,
  claims: Pick<AccessClaims, 'sid' | 'jti' | 'sub' | 'exp'>,
  { maxTokenLifetimeSec = 300, clockToleranceSec = 30 }: DenyOptions = {},
): Promise<void> {
  const key = denyKey(claims);
  if (!key) throw new Error('token has neither sid nor jti; it cannot be denied');
  const untilExp = Math.max(0, claims.exp - Math.floor(Date.now() / 1000));
  const ttl = (claims.sid ? Math.max(untilExp, maxTokenLifetimeSec) : untilExp) + clockToleranceSec;
  const nowSec = Math.floor(Date.now() / 1000);
  // The key answers the per-request check; the index is what every replica copies
  // (DenyListMirror), so that a Redis outage does not forget who logged out.
  await Promise.all([redis.set(key, '1', 'EX', ttl), redis.zadd(INDEX, nowSec + ttl, key)]);
  await redis.zremrangebyscore(INDEX, '-inf', nowSec).catch(() => {});
}

/** Every live deny key with the second it expires (sorted set: score = expiry). */
const INDEX = `${PREFIX}index`;

/**
 * A replica's own copy of the deny-list, refreshed from Redis every few seconds. While
 * Redis is away, a token whose session was logged out before the outage (up to the last
 * refresh) is still refused, and every other token is accepted: the shop keeps selling.
 * A replica that has never copied the list cannot tell, and refuses unseen tokens.
 */
export class DenyListMirror {
  private entries = new Map<string, number>();
  private syncedAt?: number;

  constructor(private readonly redis: RedisClient) {}

  async sync(nowSec = Math.floor(Date.now() / 1000)): Promise<void> {
    const flat = await this.redis.zrangebyscore(INDEX, nowSec, '+inf', 'WITHSCORES');
    const next = new Map<string, number>();
    for (let i = 0; i + 1 < flat.length; i += 2) next.set(flat[i], Number(flat[i + 1]));
    this.entries = next;
    this.syncedAt = nowSec;
  }

  /** Whether the copy was made at or after `sinceSec`. */
  freshSince(sinceSec: number): boolean {
    return this.syncedAt !== undefined && this.syncedAt >= sinceSec;
  }

  /** undefined: never copied, no answer. */
  isDenied(claims: Pick<AccessClaims, 'sid' | 'jti' | 'sub'>, nowSec = Math.floor(Date.now() / 1000)): boolean | undefined {
    if (this.syncedAt === undefined) return undefined;
    const key = denyKey(claims);
    if (!key) return false;
    const until = this.entries.get(key);
    return until !== undefined && until > nowSec;
  }

  /** Remembers a denial this replica saw in Redis itself, ahead of the next copy. */
  remember(claims: Pick<AccessClaims, 'sid' | 'jti' | 'sub' | 'exp'>): void {
    const key = denyKey(claims);
    if (key && !this.entries.has(key)) this.entries.set(key, claims.exp + 300);
  }
}

export async function isDenied(redis: RedisClient, claims: AccessClaims): Promise<boolean> {
  const key = denyKey(claims);
  if (!key) return false;
  return (await redis.get(key)) !== null;
}
