import type { Request, RequestHandler, Response } from 'express';
import type { Redis, Cluster } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from 'rate-limiter-flexible';
import { AppError } from '@shop/errors';
import { clientAddress, LOOPBACK_PROXIES, trustedProxySet } from './client-address.js';

export interface RateLimitOptions {
  redis: Redis | Cluster;
  /** Names the limit in Redis (`rl:login`, `rl:orders`); one prefix per limit. */
  keyPrefix: string;
  /** Requests allowed per window. */
  points: number;
  durationSec: number;
  /** 'user': the verified user id (req.user.id), or the address for anonymous calls. 'ip': always the address. */
  by: 'user' | 'ip';
  /** Peers whose X-Real-IP is believed (CIDRs). Default: loopback, i.e. the local nginx. */
  trustedProxies?: readonly string[];
  /** How long to wait for Redis before the in-memory limiter decides instead. */
  redisTimeoutMs?: number;
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
 * When Redis is down or slow (deliberate choice): an in-memory limiter per replica takes
 * over (rate-limiter-flexible's insuranceLimiter). Each replica then enforces the same
 * numbers on its own, so the budget is looser (points x replicas), but the shop keeps
 * selling instead of failing closed on a cache outage; abuse is still bounded. Redis that
 * is not connected is skipped at once (rejectIfRedisNotReady), a hanging one after
 * `redisTimeoutMs`. Should even that fail, the request goes through (fail open).
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const { points, durationSec: duration, keyPrefix } = options;
  if (!(points > 0) || !(duration > 0)) throw new Error('rateLimit: points and durationSec must be positive');
  const trusted = trustedProxySet(options.trustedProxies ?? LOOPBACK_PROXIES);
  const insuranceLimiter = new RateLimiterMemory({ keyPrefix, points, duration });
  const redisLimiter = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix,
    points,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter,
  });
  const limiter = new RLWrapperTimeouts({ limiter: redisLimiter, insuranceLimiter, timeoutMs: options.redisTimeoutMs ?? 200 });

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
