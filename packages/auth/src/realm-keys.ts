import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

export interface RealmKeysOptions {
  /** The realm's JWKS endpoint. */
  url: URL;
  /** Upper bound on one fetch, so a hung Keycloak is an error, never a wait without end. */
  timeoutMs: number;
  /** Refetched in the background once the keys are this old (default 10 min). */
  maxAgeMs?: number;
  /** At most one fetch per this long after a failure or for an unknown key id (default 30 s). */
  cooldownMs?: number;
}

/**
 * The realm's signing keys, fetched with a deadline and kept. Once a replica holds them, a
 * token signed with one of them verifies whatever Keycloak is doing: a refresh (every 10 min,
 * in the background) that fails or hangs keeps the keys it had. jose's remote key set would,
 * once its cache aged, make every verification wait for Keycloak and fail with it (a slow
 * Keycloak, fault R11, would have turned every not yet cached token into a 503 after 3 s).
 * Only a replica with no keys yet, or a token naming a key id we do not hold (a key rotation),
 * waits for a fetch, bounded by `timeoutMs`, at most one per cooldown for unknown ids.
 */
export function realmKeys(options: RealmKeysOptions) {
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const cooldownMs = options.cooldownMs ?? 30_000;
  let local: JWTVerifyGetKey | undefined;
  let fetchedAt = 0;
  let triedAt = 0;
  let pending: Promise<JWTVerifyGetKey> | undefined;

  const fetchKeys = (): Promise<JWTVerifyGetKey> =>
    (pending ??= (async () => {
      triedAt = Date.now();
      try {
        const res = await fetch(options.url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs) });
        if (!res.ok) throw new Error(`the JWKS endpoint answered ${res.status}`);
        const jwks = (await res.json()) as JSONWebKeySet;
        if (!Array.isArray(jwks?.keys)) throw new Error('the JWKS endpoint sent no key set');
        local = createLocalJWKSet(jwks);
        fetchedAt = Date.now();
        return local;
      } finally {
        pending = undefined;
      }
    })());

  const refreshIfOld = () => {
    const now = Date.now();
    if (now - fetchedAt > maxAgeMs && now - triedAt > cooldownMs) fetchKeys().catch(() => undefined); // keep what we hold
  };

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (!local) return (await fetchKeys())(header, token);
    refreshIfOld();
    try {
      return await local(header, token);
    } catch (err) {
      // A key id we do not hold: Keycloak may have rotated its keys. Ask again, not too often.
      if (err instanceof errors.JWKSNoMatchingKey && Date.now() - triedAt > cooldownMs) return (await fetchKeys())(header, token);
      throw err;
    }
  };

  /** Resolves once keys are held (old ones too: they still verify); fetches them when none are. */
  async function ready(): Promise<void> {
    if (local) return refreshIfOld();
    await fetchKeys();
  }

  return { getKey, ready };
}
