/**
 * Pre-created buyers for the rehearsal, cached in .run/drop-rehearsal/buyers.json: created once
 * through Keycloak's admin API, then signed in before each run with the refresh grant (no
 * password hashing) of an offline token (valid for 30 idle days), falling back to the password grant. Keycloak signs in about 15 users/s
 * per core with the password grant, so a 5,000-buyer crowd is made before the load, as real
 * buyers are signed in before a drop.
 */
import { pbkdf2Sync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { passwordGrant } from '@shop/testing';

export interface Buyer {
  id: string;
  email: string;
  password: string;
  refreshToken: string;
  accessToken?: string;
}

const KEYCLOAK_URL = process.env.KEYCLOAK_URL ?? 'http://127.0.0.1:8080';
const CLIENT_ID = 'user-service';
const CLIENT_SECRET = process.env.KEYCLOAK_CLIENT_SECRET ?? 'user-service-local-secret';

async function pool<T>(items: T[], concurrency: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i], i);
      }
    }),
  );
}

async function refresh(b: Buyer): Promise<boolean> {
  const body = new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: b.refreshToken });
  const res = await fetch(`${KEYCLOAK_URL}/realms/shop/protocol/openid-connect/token`, { method: 'POST', body, signal: AbortSignal.timeout(20_000) });
  const json = (await res.json()) as Record<string, string>;
  if (!res.ok) return false;
  b.accessToken = json.access_token;
  b.refreshToken = json.refresh_token;
  return true;
}

/**
 * Creates buyers in bulk through Keycloak's partial import with a pre-hashed password
 * (pbkdf2-sha256, 1 iteration: the import hashes nothing). Keycloak re-hashes it with the
 * realm's algorithm at the first sign-in, which is then the one expensive step per buyer.
 * Uses the local Keycloak admin of docs/conventions.md (kcadmin), as the stack does.
 */
async function importBuyers(count: number, onBatch: (batch: Buyer[]) => void): Promise<void> {
  // The master admin's token lives 60 s: one per batch.
  const adminToken = async () =>
    ((await (
      await fetch(`${KEYCLOAK_URL}/realms/master/protocol/openid-connect/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: process.env.KEYCLOAK_ADMIN ?? 'kcadmin', password: process.env.KEYCLOAK_ADMIN_PASSWORD ?? 'kcadmin' }),
      })
    ).json()) as { access_token: string }).access_token;
  for (let start = 0; start < count; start += 250) {
    const batch = Array.from({ length: Math.min(250, count - start) }, () => {
      const email = `rehearsal-${randomUUID().slice(0, 13)}@example.test`;
      const password = `Rh-${randomUUID()}`;
      const salt = randomBytes(16);
      const value = pbkdf2Sync(password, salt, 1, 64, 'sha256').toString('base64');
      return {
        buyer: { id: '', email, password, refreshToken: '' },
        user: {
          username: email,
          email,
          enabled: true,
          emailVerified: true,
          // A partial import assigns no default roles: these carry customer and offline_access.
          realmRoles: ['default-roles-shop'],
          firstName: 'Rehearsal',
          lastName: 'Buyer',
          credentials: [
            {
              type: 'password',
              secretData: JSON.stringify({ value, salt: salt.toString('base64'), additionalParameters: {} }),
              credentialData: JSON.stringify({ hashIterations: 1, algorithm: 'pbkdf2-sha256', additionalParameters: {} }),
            },
          ],
        },
      };
    });
    const res = await fetch(`${KEYCLOAK_URL}/admin/realms/shop/partialImport`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ifResourceExists: 'SKIP', users: batch.map((b) => b.user) }),
    });
    if (!res.ok) throw new Error(`partial import: ${res.status} ${await res.text()}`);
    const out = (await res.json()) as { results: Array<{ resourceName: string; id: string }> };
    const ids = new Map(out.results.map((r) => [r.resourceName, r.id]));
    onBatch(batch.map((b) => ({ ...b.buyer, id: ids.get(b.buyer.email) ?? '' })));
  }
}

/** `count` buyers with fresh access tokens; creates the missing ones. */
export async function signedInBuyers(file: string, count: number, log: (s: string) => void): Promise<{ buyers: Buyer[]; created: number; signInPerSecond: number }> {
  mkdirSync(dirname(file), { recursive: true });
  const cached: Buyer[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Buyer[]) : [];
  const save = () => writeFileSync(file, JSON.stringify(cached.map(({ accessToken: _a, ...b }) => b)));
  const missing = Math.max(0, count - cached.length);
  if (missing > 0) {
    log(`creating ${missing} buyers in Keycloak (once; cached in ${file})`);
    await importBuyers(missing, (batch) => {
      cached.push(...batch);
      save();
      log(`  ${cached.length} buyers`);
    });
  }
  const buyers = cached.slice(0, count);
  const started = Date.now();
  let n = 0;
  await pool(buyers, 8, async (b) => {
    if (!b.accessToken && !(b.refreshToken && (await refresh(b)))) {
      // An offline token: its session idles out after 30 days, not the realm's 30 minutes, so the
      // next rehearsal refreshes (cheap) instead of signing in with the password (~15/s per core).
      // Buyers imported before their import carried the default roles may not hold offline_access.
      const t = await passwordGrant(b.email, b.password, 'offline_access').catch(() => passwordGrant(b.email, b.password));
      b.accessToken = t.accessToken;
      b.refreshToken = t.refreshToken;
    }
    if (++n % 500 === 0) {
      log(`  signed in ${n}/${buyers.length}`);
      save();
    }
  });
  save();
  const signInPerSecond = buyers.length / Math.max(0.001, (Date.now() - started) / 1000);
  return { buyers, created: missing, signInPerSecond };
}
