// One-shot of docker-compose.yml, after Keycloak is healthy and before the user service
// starts: gives the confidential client `user-service` the secret generated on first start
// (the realm JSON's committed one is for the native stack only), and makes the demo admin
// (realm role `admin`) that the README logs in with. Idempotent: a re-run only checks.
// The native stack does the same in scripts/lib/keycloak-demo-admin.sh.
//
//   node docker/setup/keycloak-setup.mjs   (env: KEYCLOAK_URL, KEYCLOAK_REALM, DEMO_ADMIN_*;
//                                           /run/shop-secrets/env: KC_ADMIN_*, KC_USER_SERVICE_SECRET)
import { readFileSync } from 'node:fs';

const secrets = Object.fromEntries(
  readFileSync(process.env.SECRETS_FILE ?? '/run/shop-secrets/env', 'utf8')
    .split('\n')
    .filter((line) => line.includes('='))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);
const base = (process.env.KEYCLOAK_URL ?? 'http://keycloak:8080').replace(/\/+$/, '');
const realm = process.env.KEYCLOAK_REALM ?? 'shop';
const email = process.env.DEMO_ADMIN_EMAIL ?? 'admin@shop.local';
const password = process.env.DEMO_ADMIN_PASSWORD;

async function call(method, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

const login = await fetch(`${base}/realms/master/protocol/openid-connect/token`, {
  method: 'POST',
  body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: secrets.KC_ADMIN_USERNAME, password: secrets.KC_ADMIN_PASSWORD }),
  signal: AbortSignal.timeout(10_000),
});
if (!login.ok) throw new Error(`Keycloak admin login: ${login.status}`);
const { access_token: token } = await login.json();
const api = (method, path, body) => call(method, `/admin/realms/${realm}${path}`, body, token);

const [client] = await api('GET', '/clients?clientId=user-service');
if (!client) throw new Error(`realm ${realm} has no client user-service (was the realm imported?)`);
if (client.secret !== secrets.KC_USER_SERVICE_SECRET) {
  await api('PUT', `/clients/${client.id}`, { ...client, secret: secrets.KC_USER_SERVICE_SECRET });
  console.log('keycloak-setup: user-service client secret set from the generated secrets');
}

let [user] = await api('GET', `/users?exact=true&username=${encodeURIComponent(email)}`);
if (!user) {
  if (!password) throw new Error('DEMO_ADMIN_PASSWORD is not set');
  await api('POST', '/users', {
    username: email, email, enabled: true, emailVerified: true, firstName: 'Demo', lastName: 'Admin',
    credentials: [{ type: 'password', value: password, temporary: false }],
  });
  [user] = await api('GET', `/users?exact=true&username=${encodeURIComponent(email)}`);
  console.log(`keycloak-setup: demo admin ${email} created`);
}
const roles = await api('GET', `/users/${user.id}/role-mappings/realm/composite`);
if (!roles.some((r) => r.name === 'admin')) {
  await api('POST', `/users/${user.id}/role-mappings/realm`, [await api('GET', '/roles/admin')]);
  console.log(`keycloak-setup: demo admin ${email} given realm role admin`);
}
console.log('keycloak-setup: done');
