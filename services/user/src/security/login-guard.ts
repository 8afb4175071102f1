import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '@shop/cache';
import { AppError } from '@shop/errors';
import type { LoginGuard } from '../domain/ports.js';

export interface LoginGuardOptions {
  redis: RedisClient;
  maxConsecutiveFails: number;
  blockSec: number;
  maxFailsPerIpPerDay: number;
  keyPrefix?: string;
}

const DAY = 86_400;

/**
 * Two counters, as in rate-limiter-flexible's login recipe: wrong passwords in a row for
 * one email from one address (reset by a good login; blocks for `blockSec`), and failed
 * logins per address per day (slow brute force over many emails). Counters live in
 * Redis so every replica shares them; when Redis is down each replica falls back to an
 * in-memory limiter of the same shape, so protection degrades instead of vanishing.
 */
export function createLoginGuard(options: LoginGuardOptions): LoginGuard {
  const prefix = options.keyPrefix ?? 'login';
  const limiter = (name: string, points: number, duration: number) =>
    new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `${prefix}:${name}`,
      points,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${prefix}:${name}:mem`, points, duration }),
    });
  const byEmailAndIp = limiter('fails-email-ip', options.maxConsecutiveFails, 60 * 60);
  const byIp = limiter('fails-ip', options.maxFailsPerIpPerDay, DAY);
  // Emails are hashed in keys: Redis need not hold a list of who tried to log in.
  const emailIpKey = (email: string, ip: string) => `${createHash('sha256').update(email).digest('base64url').slice(0, 22)}_${ip}`;

  function tooMany(res: RateLimiterRes): AppError {
    const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return new AppError('RATE_LIMITED', `Too many failed logins; try again in ${seconds} s`, 429, undefined, { 'Retry-After': String(seconds) });
  }

  return {
    async check(email, ip) {
      const [pair, address] = await Promise.all([byEmailAndIp.get(emailIpKey(email, ip)), byIp.get(ip)]);
      if (pair && pair.consumedPoints >= options.maxConsecutiveFails) throw tooMany(pair);
      if (address && address.consumedPoints >= options.maxFailsPerIpPerDay) throw tooMany(address);
    },

    async recordFailure(email, ip) {
      const key = emailIpKey(email, ip);
      const consumeOrOver = (l: RateLimiterRedis, k: string) =>
        l.consume(k).catch((r: unknown) => {
          if (r instanceof RateLimiterRes) return r;
          throw r;
        });
      const [pair, address] = await Promise.all([consumeOrOver(byEmailAndIp, key), consumeOrOver(byIp, ip)]);
      if (pair.consumedPoints >= options.maxConsecutiveFails) await byEmailAndIp.block(key, options.blockSec);
      if (address.consumedPoints >= options.maxFailsPerIpPerDay) await byIp.block(ip, DAY);
    },

    async recordSuccess(email, ip) {
      await byEmailAndIp.delete(emailIpKey(email, ip));
    },
  };
}
