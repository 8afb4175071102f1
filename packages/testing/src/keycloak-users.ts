/**
 * Real Keycloak users and tokens for component tests. Users are created through the
 * admin REST API with the user-service client's service account (the same rights the
 * user service has), and log in with the password grant on that client, so a test
 * holds exactly the tokens a shopper would.
 */
import { randomUUID } from 'node:crypto';
import KcAdminClient from '@keycloak/keycloak-admin-client';

const KEYCLOAK_URL = process.env.KEYCLOAK_URL ?? 'http://127.0.0.1:8080';
const REALM = process.env.KEYCLOAK_REALM ?? 'shop';
const CLIENT_ID = process.env.KEYCLOAK_CLIENT_ID ?? 'user-service';
// Local-only secret from keycloak-docker-compose/realm-shop.json.
const CLIENT_SECRET = process.env.KEYCLOAK_CLIENT_SECRET ?? 'user-service-local-secret';
const TIMEOUT_MS = 10_000;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export interface TestUserOptions {
  roles?: string[];
  email?: string;
  password?: string;
  name?: string;
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  idToken?: string;
  expiresIn: number;
}

let admin: KcAdminClient | undefined;
let adminTokenExp = 0;

async function adminClient(): Promise<KcAdminClient> {
  if (!admin) admin = new KcAdminClient({ baseUrl: KEYCLOAK_URL, realmName: REALM, timeout: TIMEOUT_MS });
  if (Date.now() / 1000 > adminTokenExp - 30) {
    await admin.auth({ grantType: 'client_credentials', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    adminTokenExp = Date.now() / 1000 + 240;
  }
  return admin;
}

/** The password grant on the user-service client; `scope: 'openid'` also returns an ID token. */
export async function passwordGrant(email: string, password: string, scope?: string): Promise<TokenSet> {
  const body = new URLSearchParams({ grant_type: 'password', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, username: email, password });
  if (scope) body.set('scope', scope);
  const res = await fetch(`${KEYCLOAK_URL}/realms/${REALM}/protocol/openid-connect/token`, {
    method: 'POST',
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`password grant for ${email} failed: ${res.status} ${JSON.stringify(json)}`);
  return {
    accessToken: String(json.access_token),
    refreshToken: String(json.refresh_token),
    idToken: typeof json.id_token === 'string' ? json.id_token : undefined,
    expiresIn: Number(json.expires_in),
  };
}

/** A unique address on a reserved domain, so parallel tests never collide. */
export function uniqueEmail(prefix = 'test'): string {
  return `${prefix}-${randomUUID().slice(0, 12)}@example.test`;
}

/** Creates a Keycloak user (customer by default, plus `roles`) and logs it in. */
export async function createTestUser(options: TestUserOptions = {}): Promise<TestUser> {
  const email = (options.email ?? uniqueEmail()).toLowerCase();
  const password = options.password ?? `Pw-${randomUUID()}`;
  const kc = await adminClient();
  const { id } = await kc.users.create({
    username: email,
    email,
    emailVerified: true,
    enabled: true,
    firstName: options.name ?? 'Test User',
    credentials: [{ type: 'password', value: password, temporary: false }],
  });
  const extra = (options.roles ?? []).filter((r) => r !== 'customer');
  if (extra.length > 0) {
    const roles = await Promise.all(extra.map((name) => kc.roles.findOneByName({ name })));
    const missing = extra.filter((_, i) => !roles[i]);
    if (missing.length > 0) throw new Error(`realm roles not found: ${missing.join(', ')}`);
    await kc.users.addRealmRoleMappings({ id, roles: roles.map((r) => ({ id: r!.id!, name: r!.name! })) });
  }
  const tokens = await passwordGrant(email, password);
  return { id, email, password, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
}
