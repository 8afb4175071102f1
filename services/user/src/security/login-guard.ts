import { createHash } from 'node:crypto';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '@shop/cache';
import { AppError } from '@shop/errors';
import { sharedBudget, type SharedBudget } from '@shop/ratelimit';
import type { LoginGuard } from '../domain/ports.js';
import { loginRefusals } from '../metrics.js';

export interface LoginGuardOptions {
  redis: RedisClient;
  /** Wrong passwords in a row for one email from one address; then blocked `blockSec`. */
  maxConsecutiveFails: number;
  /** The window those are counted in (default an hour). */
  failWindowSec?: number;
  blockSec: number;
  /** Wrong passwords for one email from any address per hour; then blocked `blockSec`. */
  maxFailsPerEmailPerHour: number;
  /** Wrong passwords from one address per day before it is slowed down (never blocked). */
  maxFailsPerIpPerDay: number;
  /** A slowed address: attempts per second that have not (yet) turned out right. */
  slowedAttemptsPerSec: number;
  keyPrefix?: string;
}

const HOUR = 3_600;
const DAY = 86_400;

/**
 * Brute-force budgets for password logins, consumed BEFORE Keycloak is asked and given
 * back when the password turns out right (or Keycloak could not answer). Reading the
 * counters first and counting failures afterwards let 60 parallel guesses all through;
 * a consume is one atomic INCR, so the sixth parallel guess is already a 429.
 *
 * - email + address: `maxConsecutiveFails` wrong in a row, then that pair waits `blockSec`.
 * - email, any address: `maxFailsPerEmailPerHour`, against guesses spread over many
 *   addresses (blocks the account's password logins for `blockSec`: the price of
 *   protecting it).
 * - address: during a drop thousands of buyers share a carrier's NAT address, so an
 *   address is never locked out. Past `maxFailsPerIpPerDay` failures it is slowed down:
 *   at most `slowedAttemptsPerSec` unresolved attempts per second (429, Retry-After 1).
 *   Right passwords give their point back, so they only ever wait a second.
 *
 * Counters live in Redis so every replica shares them; when Redis is down or hung each
 * replica counts in memory with the same shape (`sharedBudget`: protection degrades, not
 * vanishes, and no login waits on a Redis that does not answer).
 */
export function createLoginGuard(options: LoginGuardOptions): LoginGuard {
  const prefix = options.keyPrefix ?? 'login';
  const limiter = (name: string, points: number, durationSec: number, blockSec = 0) =>
    sharedBudget({ redis: options.redis, keyPrefix: `${prefix}:${name}`, points, durationSec, blockSec });
  const byEmailAndIp = limiter('fails-email-ip', options.maxConsecutiveFails, options.failWindowSec ?? HOUR, options.blockSec);
  const byEmail = limiter('fails-email', options.maxFailsPerEmailPerHour, HOUR, options.blockSec);
  const byIp = limiter('fails-ip', options.maxFailsPerIpPerDay, DAY);
  const slowed = limiter('slowed-ip', options.slowedAttemptsPerSec, 1);
  // Emails are hashed in keys: Redis need not hold a list of who tried to log in.
  const hashed = (email: string) => createHash('sha256').update(email).digest('base64url').slice(0, 22);

  function tooMany(res: RateLimiterRes): AppError {
    const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return new AppError('RATE_LIMITED', `Too many failed logins; try again in ${seconds} s`, { headers: { 'Retry-After': String(seconds) } });
  }
  /** consume that reports an exhausted budget as its result instead of a rejection. */
  const take = (l: SharedBudget, key: string) =>
    l.consume(key).then(
      (r) => ({ r, over: false }),
      (r: unknown) => {
        if (r instanceof RateLimiterRes) return { r, over: true };
        throw r;
      },
    );
  const giveBack = (l: SharedBudget, key: string) => l.reward(key, 1).catch(() => {});

  return {
    async consume(email, ip) {
      const pairKey = `${hashed(email)}_${ip}`;
      const emailKey = hashed(email);
      const [pair, account, address] = await Promise.all([take(byEmailAndIp, pairKey), take(byEmail, emailKey), take(byIp, ip)]);
      const slow = address.over ? await take(slowed, ip) : undefined;
      const refusal = [pair, account, slow].find((t) => t?.over);
      // Points to give back when this attempt is refused, right, or undecided. A blocked
      // budget keeps its count (blocking again would only stretch the block).
      const taken: Array<[SharedBudget, string]> = [[byIp, ip]];
      if (!pair.over) taken.push([byEmailAndIp, pairKey]);
      if (!account.over) taken.push([byEmail, emailKey]);
      if (slow && !slow.over) taken.push([slowed, ip]);
      const giveAllBack = () => Promise.all(taken.map(([l, k]) => giveBack(l, k))).then(() => {});
      if (refusal) {
        // Never reached Keycloak: not a failure of anyone's password.
        loginRefusals.inc({ budget: refusal === pair ? 'pair' : refusal === account ? 'email' : 'slowed_address' });
        await giveAllBack();
        throw tooMany(refusal.r);
      }
      return {
        // A right password: the pair's run of failures starts again, the rest get their point back.
        succeeded: async () => {
          await Promise.all([byEmailAndIp.delete(pairKey).catch(() => {}), giveAllBack()]);
        },
        // Keycloak could not say: nobody's password was wrong.
        undecided: giveAllBack,
      };
    },
  };
}
