import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedis, type RedisClient } from '@shop/cache';
import { createHttpApp } from '@shop/http';
import { createLogger } from '@shop/logger';
import { createTestUser, hungLink, listen, passwordGrant, testEnv, waitFor, type TestUser } from '@shop/testing';
import { createAuth, denyToken, type AuthOptions } from '../src/index.js';

const env = testEnv('auth');
const logger = createLogger('auth-test', 'silent');
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const decode = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

interface Running {
  url: string;
  calls: string[];
  close(): Promise<void>;
}

/** A tiny service guarded by @shop/auth whose handlers record every call that reaches them. */
async function startGuarded(redis: RedisClient, overrides: Partial<AuthOptions> = {}): Promise<Running> {
  const auth = createAuth({ keycloakUrl: env.KEYCLOAK_URL, realm: env.KEYCLOAK_REALM, audience: env.JWT_AUDIENCE, redis, logger, ...overrides });
  const calls: string[] = [];
  const app = createHttpApp({
    name: 'auth-test',
    logger,
    readiness: { keycloak: () => auth.ready() },
    accessLog: false,
    routes: (a) => {
      a.get('/me', auth.required, (req, res) => {
        calls.push('me');
        res.json(req.user);
      });
      a.get('/maybe', auth.optional, (req, res) => {
        calls.push('maybe');
        res.json({ user: req.user ?? null });
      });
      a.get('/signed-in', auth.signedIn, (req, res) => {
        calls.push('signed-in');
        res.json(req.user);
      });
      a.get('/admin', auth.requireRole('admin'), (_req, res) => {
        calls.push('admin');
        res.json({ ok: true });
      });
    },
  });
  const server = await listen(app);
  return { url: server.url, calls, close: () => server.close() };
}

const get = (url: string, token?: string, header?: string) =>
  fetch(url, { headers: header ? { authorization: header } : token ? { authorization: `Bearer ${token}` } : {} });

describe('@shop/auth against the real Keycloak', () => {
  let redis: RedisClient;
  let svc: Running;
  let customer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    redis = createRedis({ url: env.REDIS_URL });
    svc = await startGuarded(redis);
    [customer, admin] = await Promise.all([createTestUser(), createTestUser({ roles: ['admin'] })]);
  });

  afterAll(async () => {
    await svc.close();
    redis.disconnect();
  });

  async function expectRefused(token: string | undefined, reason: RegExp, header?: string): Promise<void> {
    const before = svc.calls.length;
    const res = await get(`${svc.url}/me`, token, header);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('UNAUTHENTICATED');
    expect(body.error.message).toMatch(reason);
    expect(body.error.requestId).toBeTruthy();
    expect(svc.calls.length).toBe(before);
  }

  it('when a valid access token is sent, then the handler sees the user and its realm roles', async () => {
    const res = await get(`${svc.url}/me`, customer.accessToken);
    expect(res.status).toBe(200);
    const user = (await res.json()) as { id: string; email: string; roles: string[] };
    expect(user.id).toBe(customer.id);
    expect(user.email).toBe(customer.email);
    expect(user.roles).toContain('customer');
    expect(user.roles).not.toContain('admin');
  });

  it('when no token or a malformed header is sent, then 401 and the handler is not called', async () => {
    await expectRefused(undefined, /Authentication required/);
    await expectRefused(undefined, /Authorization header/, 'Basic dXNlcjpwYXNz');
    await expectRefused('not-a-jwt', /Authorization header/);
  });

  it('when a token says alg none, then 401', async () => {
    const payload = decode(customer.accessToken);
    await expectRefused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`, /algorithm/);
  });

  it("when a token is HS256-signed with the realm's public key as the secret, then 401", async () => {
    const jwks = (await (await fetch(`${env.KEYCLOAK_URL}/realms/shop/protocol/openid-connect/certs`)).json()) as {
      keys: Array<{ kid: string; use: string; x5c: string[] }>;
    };
    const key = jwks.keys.find((k) => k.use === 'sig')!;
    const pem = `-----BEGIN CERTIFICATE-----\n${key.x5c[0]}\n-----END CERTIFICATE-----\n`;
    const head = `${b64({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${b64(decode(customer.accessToken))}`;
    const sig = createHmac('sha256', pem).update(head).digest('base64url');
    await expectRefused(`${head}.${sig}`, /algorithm/);
  });

  it('when the payload is tampered with (roles raised to admin), then 401 bad signature', async () => {
    const [h, , s] = admin.accessToken.split('.');
    const payload = decode(customer.accessToken);
    payload.realm_access = { roles: ['customer', 'admin'] };
    const before = svc.calls.length;
    const res = await get(`${svc.url}/admin`, `${h}.${b64(payload)}.${s}`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/bad signature/);
    expect(svc.calls.length).toBe(before);
  });

  it('when an ID token or a refresh token is sent as the bearer, then 401', async () => {
    const tokens = await passwordGrant(customer.email, customer.password, 'openid');
    expect(tokens.idToken).toBeTruthy();
    await expectRefused(tokens.idToken, /audience|not an access token/);
    await expectRefused(tokens.refreshToken, /algorithm/);
  });

  it('when an ID token names the configured audience, then the typ check alone still refuses it', async () => {
    const idAudience = await startGuarded(redis, { audience: 'user-service' });
    try {
      const { idToken } = await passwordGrant(customer.email, customer.password, 'openid');
      const res = await get(`${idAudience.url}/me`, idToken);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not an access token \(typ ID\)/);
      expect(idAudience.calls).toEqual([]);
    } finally {
      await idAudience.close();
    }
  });

  it('when the service expects another issuer or audience, then a genuine token is 401 with the reason', async () => {
    const otherIssuer = await startGuarded(redis, { keycloakUrl: env.KEYCLOAK_URL.replace('127.0.0.1', 'localhost') });
    const otherAudience = await startGuarded(redis, { audience: 'another-api' });
    try {
      const r1 = await get(`${otherIssuer.url}/me`, customer.accessToken);
      expect(r1.status).toBe(401);
      expect(((await r1.json()) as { error: { message: string } }).error.message).toMatch(/wrong issuer/);
      const r2 = await get(`${otherAudience.url}/me`, customer.accessToken);
      expect(r2.status).toBe(401);
      expect(((await r2.json()) as { error: { message: string } }).error.message).toMatch(/wrong audience/);
      expect([...otherIssuer.calls, ...otherAudience.calls]).toEqual([]);
    } finally {
      await Promise.all([otherIssuer.close(), otherAudience.close()]);
    }
  });

  it('when the token has expired (clock moved past exp + 30 s leeway), then 401 token expired, also from the cache', async () => {
    let offsetMs = 0;
    const clocked = await startGuarded(redis, { now: () => Date.now() + offsetMs });
    try {
      expect((await get(`${clocked.url}/me`, customer.accessToken)).status).toBe(200);
      offsetMs = (decode(customer.accessToken).exp * 1000 - Date.now()) + 20_000;
      expect((await get(`${clocked.url}/me`, customer.accessToken)).status).toBe(200);
      offsetMs += 15_000;
      const res = await get(`${clocked.url}/me`, customer.accessToken);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
      expect(clocked.calls).toEqual(['me', 'me']);
    } finally {
      await clocked.close();
    }
  });

  it('when a customer calls an admin route, then 403; when an admin does, then 200', async () => {
    const before = svc.calls.length;
    const res = await get(`${svc.url}/admin`, customer.accessToken);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect(svc.calls.length).toBe(before);
    expect((await get(`${svc.url}/admin`, admin.accessToken)).status).toBe(200);
    expect((await get(`${svc.url}/admin`)).status).toBe(401);
  });

  it('when optional auth gets no token, then the handler runs anonymously; a bad token is still 401', async () => {
    const anon = await get(`${svc.url}/maybe`);
    expect(await anon.json()).toEqual({ user: null });
    expect((await get(`${svc.url}/maybe`, `${customer.accessToken}x`)).status).toBe(401);
    const named = (await (await get(`${svc.url}/maybe`, customer.accessToken)).json()) as { user: { id: string } };
    expect(named.user.id).toBe(customer.id);
  });

  it('when a session is denied, then every token of it is refused by any service, including a fresh instance', async () => {
    const user = await createTestUser();
    const refreshed = await passwordGrant(user.email, user.password);
    expect((await get(`${svc.url}/me`, user.accessToken)).status).toBe(200);
    await denyToken(redis, decode(user.accessToken));
    const otherRedis = createRedis({ url: env.REDIS_URL });
    const another = await startGuarded(otherRedis);
    try {
      expect((await get(`${svc.url}/me`, user.accessToken)).status).toBe(401);
      expect((await get(`${another.url}/me`, user.accessToken)).status).toBe(401);
      const res = await get(`${another.url}/me`, user.accessToken);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/logged out/);
      // A second login is another session and stays valid.
      expect((await get(`${another.url}/me`, refreshed.accessToken)).status).toBe(200);
      expect(await redis.ttl(`auth:deny:sid:${decode(user.accessToken).sid}`)).toBeGreaterThan(250);
    } finally {
      await another.close();
      otherRedis.disconnect();
    }
  });

  it('when Redis is stopped, then unseen tokens still work and a session logged out before the outage stays refused', async () => {
    // A Redis of our own, so that stopping it takes nothing away from anyone else.
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const dir = mkdtempSync(join(tmpdir(), 'redis-outage-'));
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    const own = createRedis({ url: `redis://127.0.0.1:${port}` });
    own.on('error', () => {});
    let guarded: Running | undefined;
    try {
      await waitFor(async () => (await own.ping().catch(() => '')) === 'PONG', { timeoutMs: 10_000 });
      guarded = await startGuarded(own, { denyListSyncMs: 100 });
      const [loggedOut, unseen] = [await createTestUser(), await createTestUser()];
      expect((await get(`${guarded.url}/me`, loggedOut.accessToken)).status).toBe(200);
      await denyToken(own, decode(loggedOut.accessToken));
      await new Promise((r) => setTimeout(r, 300)); // a copy or two of the deny-list

      server.kill('SIGTERM');
      await waitFor(async () => (await own.ping().then(() => false, () => true)), { timeoutMs: 10_000 });

      const sold = await get(`${guarded.url}/me`, unseen.accessToken);
      expect(sold.status).toBe(200);
      expect((await get(`${guarded.url}/me`, customer.accessToken)).status).toBe(200);
      const refused = await get(`${guarded.url}/me`, loggedOut.accessToken);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/logged out/);
    } finally {
      await guarded?.close();
      own.disconnect();
      if (server.exitCode === null) server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when Redis hangs (connected, never answering), then one request waits at most the breaker deadline, the rest answer from the copy at once, and a session logged out before stays refused', async () => {
    const url = new URL(env.REDIS_URL);
    const link = await hungLink({ host: url.hostname, port: Number(url.port || 6379) });
    const own = createRedis({ url: `redis://127.0.0.1:${link.port}${url.pathname}` });
    own.on('error', () => {});
    let guarded: Running | undefined;
    try {
      await own.ping();
      guarded = await startGuarded(own, { denyListSyncMs: 100 });
      const loggedOut = await createTestUser();
      expect((await get(`${guarded.url}/me`, loggedOut.accessToken)).status).toBe(200);
      await denyToken(redis, decode(loggedOut.accessToken));
      await new Promise((r) => setTimeout(r, 300)); // a copy or two of the deny-list

      link.set('hold');
      const answers: Array<[number, number]> = [];
      for (const token of [customer.accessToken, admin.accessToken, loggedOut.accessToken, customer.accessToken, admin.accessToken]) {
        const started = Date.now();
        const res = await get(`${guarded.url}/me`, token);
        answers.push([res.status, Date.now() - started]);
      }
      expect(answers.map(([status]) => status)).toEqual([200, 200, 401, 200, 200]);
      // The first waited for the breaker's deadline (150 ms), not the client's 1 s timeout.
      expect(answers[0][1]).toBeLessThan(700);
      expect(Math.max(...answers.slice(1).map(([, ms]) => ms))).toBeLessThan(150);
    } finally {
      link.set('off');
      await guarded?.close();
      own.disconnect();
      await link.close();
    }
  }, 30_000);

  it('when a token was first seen on a signedIn route and its session logs out, then a required route still refuses it (one cache, the deny-list still asked)', async () => {
    const buyer = await createTestUser();
    expect((await get(`${svc.url}/signed-in`, buyer.accessToken)).status).toBe(200);
    expect((await get(`${svc.url}/me`, buyer.accessToken)).status).toBe(200);
    await denyToken(redis, decode(buyer.accessToken));
    await expectRefused(buyer.accessToken, /logged out/);
    // signedIn checks the signature only (docs/drops.md): still answered.
    expect((await get(`${svc.url}/signed-in`, buyer.accessToken)).status).toBe(200);
  });

  it('when Redis is away and a token was only seen on a signedIn route, then a required route answers 503: it was never deny-checked', async () => {
    const dead = createRedis({ url: 'redis://127.0.0.1:9' });
    dead.on('error', () => {});
    const guarded = await startGuarded(dead);
    try {
      expect((await get(`${guarded.url}/signed-in`, customer.accessToken)).status).toBe(200);
      const res = await get(`${guarded.url}/me`, customer.accessToken);
      expect(res.status).toBe(503);
      expect(guarded.calls).toEqual(['signed-in']);
    } finally {
      await guarded.close();
      dead.disconnect();
    }
  });

  it('when Redis is away and this replica never copied the deny-list, then an unseen token gets 503', async () => {
    const dead = createRedis({ url: 'redis://127.0.0.1:9' });
    dead.on('error', () => {});
    const guarded = await startGuarded(dead);
    try {
      const res = await get(`${guarded.url}/me`, admin.accessToken);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('DEPENDENCY_UNAVAILABLE');
    } finally {
      await guarded.close();
      dead.disconnect();
    }
  });

  it('when Keycloak hangs after this replica fetched its keys, then unseen tokens still verify at once against the keys it holds, and readiness stays up', async () => {
    const keycloak = new URL(env.KEYCLOAK_URL);
    const link = await hungLink({ host: keycloak.hostname, port: Number(keycloak.port) });
    // Keys "old" at once: every verification would refresh them (jose's remote set waited for that).
    const guarded = await startGuarded(redis, { keycloakUrl: `http://127.0.0.1:${link.port}`, issuerUrl: keycloak.origin, jwksTimeoutMs: 1_000, jwksMaxAgeMs: 0 });
    try {
      expect((await get(`${guarded.url}/me`, customer.accessToken)).status).toBe(200);
      link.set('hold');
      const started = Date.now();
      expect((await get(`${guarded.url}/me`, admin.accessToken)).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(500);
      expect((await fetch(`${guarded.url}/health/ready`)).status).toBe(200);
    } finally {
      link.set('off');
      await guarded.close();
      await link.close();
    }
  });

  it('when Keycloak cannot be reached for keys, then 503 fast and readiness says down', async () => {
    const dead = await startGuarded(redis, { keycloakUrl: 'http://127.0.0.1:9', jwksTimeoutMs: 1_000 });
    try {
      const started = Date.now();
      const res = await get(`${dead.url}/me`, customer.accessToken);
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect((await fetch(`${dead.url}/health/ready`)).status).toBe(503);
      expect((await fetch(`${svc.url}/health/ready`)).status).toBe(200);
      expect(dead.calls).toEqual([]);
    } finally {
      await dead.close();
    }
  });
});
