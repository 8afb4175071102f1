import { errors, jwtVerify } from 'jose';
import { AppError } from '@shop/errors';
import { realmKeys } from './realm-keys.js';
import type { AccessClaims } from './types.js';

export interface VerifierOptions {
  /** Where the realm's keys are fetched from. */
  keycloakUrl: string;
  /** The base URL the tokens name as issuer (Keycloak's public hostname); default `keycloakUrl`. */
  issuerUrl?: string;
  realm: string;
  audience: string;
  clockToleranceSec: number;
  /** Upper bound on one JWKS fetch, so a hung Keycloak turns into a fast 503. */
  jwksTimeoutMs?: number;
  /** How old the keys may get before a background refresh (default 10 min; tests make it 0). */
  jwksMaxAgeMs?: number;
  /** Milliseconds since the epoch; injectable so tests can check expiry without waiting. */
  now?: () => number;
}

const reasons: Record<string, string> = {
  ERR_JWT_EXPIRED: 'token expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad signature',
  ERR_JOSE_ALG_NOT_ALLOWED: 'signing algorithm not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'signing algorithm not supported',
  ERR_JWS_INVALID: 'malformed token',
  ERR_JWT_INVALID: 'malformed token',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown signing key',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'ambiguous signing key',
};

const claimReasons: Record<string, string> = {
  iss: 'wrong issuer',
  aud: 'wrong audience',
  nbf: 'token not yet valid',
  iat: 'bad issued-at time',
  exp: 'token has no valid expiry',
};

/** Turns what jose throws into 401 (the token is bad) or 503 (we could not check it). */
function toAuthError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof errors.JWTClaimValidationFailed) {
    return AppError.unauthenticated(`Invalid token: ${claimReasons[err.claim] ?? `bad ${err.claim} claim`}`);
  }
  if (err instanceof errors.JOSEError && reasons[err.code]) return AppError.unauthenticated(`Invalid token: ${reasons[err.code]}`);
  // JWKS timeout, connection refused, a non-200 from Keycloak: the token may be fine.
  return AppError.unavailable('Token verification (Keycloak keys)');
}

/**
 * Verifies a Keycloak access token the strict way: RS256 only, keys from the realm's
 * JWKS (refetched on an unknown `kid`, at most once per cooldown), exact issuer, our
 * audience, exp with a small leeway, and `typ: Bearer` so ID and refresh tokens,
 * which Keycloak signs with the same key, are refused.
 */
export function createVerifier(options: VerifierOptions) {
  const realmUrl = (base: string) => `${base.replace(/\/+$/, '')}/realms/${options.realm}`;
  const issuer = realmUrl(options.issuerUrl ?? options.keycloakUrl);
  const keys = realmKeys({ url: new URL(`${realmUrl(options.keycloakUrl)}/protocol/openid-connect/certs`), timeoutMs: options.jwksTimeoutMs ?? 3_000, maxAgeMs: options.jwksMaxAgeMs });

  async function verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, keys.getKey, {
        algorithms: ['RS256'],
        issuer,
        audience: options.audience,
        clockTolerance: options.clockToleranceSec,
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: new Date((options.now ?? Date.now)()),
      });
      if (payload.typ !== 'Bearer') {
        throw AppError.unauthenticated(`Invalid token: not an access token (typ ${String(payload.typ ?? 'missing')})`);
      }
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw AppError.unauthenticated('Invalid token: no subject');
      return payload as AccessClaims;
    } catch (err) {
      throw toAuthError(err);
    }
  }

  return { verify, ready: keys.ready, issuer };
}
