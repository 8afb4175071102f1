import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '@shop/cache';
import { AppError } from '@shop/errors';
import { sharedBudget } from './budget.js';
import { clientAddress, LOOPBACK_PROXIES, trustedProxySet } from './client-address.js';

export interface RateLimitOptions {
  redis: RedisClient;
  /** Names the limit in Redis (`rl:login`, `rl:orders`); one prefix per limit. */
  keyPrefix: string;
  /** Requests allowed per window. */
  points: number;
  durationSec: number;
  /** 'user': the verified user id (req.user.id), or the address for anonymous calls. 'ip': always the address. */
  by: 'user' | 'ip';
  /** Peers whose X-Real-IP is believed (CIDRs). Default: loopback, i.e. the local nginx. */
  trustedProxies?: readonly string[];
  /** Told about store errors the limiter could not absorb (the request is then let through). */
  onStoreError?: (err: unknown) => void;
}

function setHeaders(res: Response, limit: number, r: RateLimiterRes): number {
  const resetSec = Math.max(1, Math.ceil(r.msBeforeNext / 1000));
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, r.remainingPoints)));
  res.setHeader('RateLimit-Reset', String(resetSec));
  return resetSec;
}

function keyFor(req: Request, by: RateLimitOptions['by'], trusted: ReturnType<typeof trustedProxySet>): string {
  const userId = by === 'user' ? (req as Request & { user?: { id?: string } }).user?.id : undefined;
  return userId ? `u:${userId}` : `ip:${clientAddress(req, trusted)}`;
}

/**
 * Express middleware: a fixed window of `points` requests per `durationSec`, counted in
 * Redis so every replica shares one budget per caller.
 *
 * When Redis is down or hung (deliberate choice): each replica counts in memory with the same
 * numbers (`sharedBudget`), so the budget is looser (points x replicas), but the shop keeps
 * selling instead of failing closed on a cache outage; abuse is still bounded. Whether Redis
 * is away is the client's breaker's call, shared with every other caller on it: at most one
 * request per replica waits for a hung Redis (150 ms), the rest count in memory at once.
 * Should even that fail, the request goes through (fail open).
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const { points, durationSec: duration, keyPrefix } = options;
  if (!(points > 0) || !(duration > 0)) throw new Error('rateLimit: points and durationSec must be positive');
  const trusted = trustedProxySet(options.trustedProxies ?? LOOPBACK_PROXIES);
  const limiter = sharedBudget({ redis: options.redis, keyPrefix, points, durationSec: duration });

  return async (req, res, next) => {
    let result: RateLimiterRes;
    try {
      result = await limiter.consume(keyFor(req, options.by, trusted));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        options.onStoreError?.(rejection);
        return next();
      }
      const retryAfter = setHeaders(res, points, rejection);
      return next(
        new AppError('RATE_LIMITED', `Too many requests, retry in ${retryAfter} s`, {
          details: { retryAfterSec: retryAfter },
          headers: { 'Retry-After': String(retryAfter) },
        }),
      );
    }
    setHeaders(res, points, result);
    next();
  };
}
