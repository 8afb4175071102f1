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
  await redis.set(key, '1', 'EX', ttl);
}

export async function isDenied(redis: RedisClient, claims: AccessClaims): Promise<boolean> {
  const key = denyKey(claims);
  if (!key) return false;
  return (await redis.get(key)) !== null;
}
