import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { breakerFor, type RedisClient } from '@shop/cache';
import { AppError } from '@shop/errors';
import type { Logger } from '@shop/logger';
import { DenyListMirror, isDenied } from './deny-list.js';
import { VerifiedTokenCache } from './token-cache.js';
import { toUser, type AccessClaims } from './types.js';
import { createVerifier } from './verify.js';

export interface AuthOptions {
  /** Where Keycloak is reached (its JWKS). */
  keycloakUrl: string;
  /** The base URL its tokens name as issuer, when it is not `keycloakUrl` (a proxy in between). */
  issuerUrl?: string;
  realm: string;
  audience: string;
  redis: RedisClient;
  logger: Logger;
  clockToleranceSec?: number;
  cacheMaxEntries?: number;
  jwksTimeoutMs?: number;
  /** How old the realm's keys may get before a background refresh (default 10 min). */
  jwksMaxAgeMs?: number;
  /** How often this replica copies the deny-list, for when Redis is away (default 2 s). */
  denyListSyncMs?: number;
  /** Milliseconds since the epoch (tests move it forward to check expiry). */
  now?: () => number;
}

export interface Auth {
  /** 401 unless the request carries a valid, not-logged-out access token. */
  required: RequestHandler;
  /** Sets req.user when a token is present; a present but invalid token is still 401. */
  optional: RequestHandler;
  /**
   * Like `required`, but checks only the signature and claims (cached), not the logout
   * deny-list: no Redis round trip. For reads whose answer is harmless to a token logged out
   * less than its lifetime (5 min) ago, e.g. a drop queue poll: anything it hands out still
   * needs a `required` route to be used.
   */
  signedIn: RequestHandler;
  /** 403 unless req.user has the realm role (authenticates first when needed). */
  requireRole(role: string): RequestHandler;
  /** For /health/ready: resolves once the realm's signing keys can be fetched. */
  ready(): Promise<void>;
  /** Verifies a token and checks the deny-list; throws AppError 401/503. */
  verify(token: string): Promise<AccessClaims>;
  /**
   * Verifies a token (signature and claims, cached as for `signedIn`) and checks it against this
   * replica's copy of the deny-list instead of Redis, so a session logged out within the last
   * copy (2 s) still passes. For an answer that refuses and creates nothing (the order service's
   * sold-out answer from memory). undefined when there is no fresh copy (never made, or Redis
   * away for longer than three copies): use `verify`. Throws AppError 401 like `verify`.
   */
  verifyFromCopy(token: string): Promise<AccessClaims | undefined>;
}

function bearerToken(req: Request): string | undefined {
  return bearerOf(req.headers.authorization);
}

/**
 * The token of an `Authorization: Bearer <token>` value (HTTP header or gRPC metadata);
 * undefined when there is none, 401 when it is not a bearer token.
 */
export function bearerOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]*\.[A-Za-z0-9\-_=]*)$/.exec(header.trim());
  if (!match) throw AppError.unauthenticated('Invalid Authorization header: expected "Bearer <token>"');
  return match[1];
}

const AUTH_REQUIRED = 'Authentication required: send "Authorization: Bearer <access token>"';

export function createAuth(options: AuthOptions): Auth {
  const clockToleranceSec = Math.min(options.clockToleranceSec ?? 30, 30);
  const now = options.now ?? Date.now;
  const verifier = createVerifier({ ...options, clockToleranceSec, now });
  // One cache of tokens whose signature and claims were verified, for every guard: a drop's buyer
  // joins and polls (`signedIn`) and then orders (`required`) with the same token, which used to
  // sit in two caches and be RSA-verified twice. `denyChecked` marks the entries `verify` also
  // found off the deny-list once, which is what it trusts when Redis is away.
  const cache = new VerifiedTokenCache(options.cacheMaxEntries ?? 10_000);
  const denyChecked = new WeakSet<AccessClaims>();
  const { redis, logger } = options;
  const mirror = new DenyListMirror(redis);
  // Every deny-list read goes through the client's breaker (shared with the cache, the rate
  // limits and the sale gate): a hung Redis costs one request per replica 150 ms, then the
  // copy answers at once until Redis answers a PING again.
  const breaker = breakerFor(redis, logger);
  // The copy may be long: it waits for the client's own command timeout, not the short deadline.
  const copy = () => breaker.run(() => mirror.sync(Math.floor(now() / 1000)), { deadlineMs: 2_000 }).catch(() => {}); // Redis away: keep the last copy
  void copy();
  setInterval(copy, options.denyListSyncMs ?? 2_000).unref();
  let warnedAt = 0;
  const warn = (err: unknown, msg: string) => {
    if (Date.now() - warnedAt < 10_000) return; // one line per 10 s, not one per request
    warnedAt = Date.now();
    logger.warn({ err: (err as Error).message }, msg);
  };

  async function verify(token: string): Promise<AccessClaims> {
    const key = VerifiedTokenCache.keyOf(token);
    const nowSec = Math.floor(now() / 1000);
    const known = cache.get(key, nowSec - clockToleranceSec);
    const cached = known !== undefined && denyChecked.has(known);
    const claims = known ?? (await verifier.verify(token));
    let denied: boolean;
    try {
      denied = await breaker.run(() => isDenied(redis, claims));
    } catch (err) {
      // Redis down (docs/decisions.md, "When Redis is down"): this replica's copy of the
      // deny-list answers, so sessions logged out before the outage stay refused and
      // everyone else keeps shopping. Without any copy yet, only a token deny-checked
      // before is accepted.
      const fromCopy = mirror.isDenied(claims, nowSec);
      if (fromCopy === undefined && !cached) {
        warn(err, 'deny-list unreachable and never copied; refusing an unseen token');
        throw AppError.unavailable('Session store (Redis)');
      }
      warn(err, 'deny-list unreachable; answering from this replica\'s copy');
      denied = fromCopy ?? false;
    }
    if (denied) {
      mirror.remember(claims);
      throw AppError.unauthenticated('Invalid token: session logged out');
    }
    if (!known) cache.set(key, claims, nowSec - clockToleranceSec);
    denyChecked.add(claims);
    return claims;
  }

  async function authenticate(req: Request, token: string): Promise<void> {
    const claims = await verify(token);
    req.user = toUser(claims);
    req.auth = { token, claims };
  }

  // Reads the bearer token and hands it to `use`; without one, `ifMissing` says whether to refuse.
  function withBearer(ifMissing: 'refuse' | 'pass', use: (req: Request, token: string) => Promise<void>): RequestHandler {
    return (req, _res, next) => {
      let token: string | undefined;
      try {
        token = bearerToken(req);
      } catch (err) {
        return next(err);
      }
      if (!token) return ifMissing === 'refuse' ? next(AppError.unauthenticated(AUTH_REQUIRED)) : next();
      use(req, token).then(() => next(), next);
    };
  }

  const bearerRequired = withBearer('refuse', authenticate);
  const required: RequestHandler = (req, res, next) => (req.user ? next() : bearerRequired(req, res, next));
  const optional = withBearer('pass', authenticate);

  // The shared cache, not marked deny-checked: `verify` still asks the deny-list for it.
  async function signatureChecked(token: string): Promise<AccessClaims> {
    const key = VerifiedTokenCache.keyOf(token);
    const validFrom = Math.floor(now() / 1000) - clockToleranceSec;
    let claims = cache.get(key, validFrom);
    if (!claims) {
      claims = await verifier.verify(token);
      cache.set(key, claims, validFrom);
    }
    return claims;
  }

  const signedIn = withBearer('refuse', async (req, token) => {
    const claims = await signatureChecked(token);
    req.user = toUser(claims);
    req.auth = { token, claims };
  });

  const copyMaxAgeSec = (3 * (options.denyListSyncMs ?? 2_000)) / 1000;
  async function verifyFromCopy(token: string): Promise<AccessClaims | undefined> {
    const nowSec = Math.floor(now() / 1000);
    if (!mirror.freshSince(nowSec - copyMaxAgeSec)) return undefined;
    const claims = await signatureChecked(token);
    if (mirror.isDenied(claims, nowSec)) throw AppError.unauthenticated('Invalid token: session logged out');
    return claims;
  }

  function requireRole(role: string): RequestHandler {
    const check = (req: Request, next: NextFunction) =>
      req.user?.roles.includes(role) ? next() : next(AppError.forbidden(`This needs the "${role}" role`));
    return (req: Request, res: Response, next: NextFunction) => {
      if (req.user) return check(req, next);
      required(req, res, (err?: unknown) => (err ? next(err) : check(req, next)));
    };
  }

  return { required, optional, signedIn, requireRole, ready: verifier.ready, verify, verifyFromCopy };
}
