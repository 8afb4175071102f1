import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createAuth } from '@shop/auth';
import { createRedis } from '@shop/cache';
import { createLogger } from '@shop/logger';
import { openApiChecker, testEnv, uniqueEmail, waitFor } from '@shop/testing';
import { apiDoc, call, randomIp, startUserService, type Harness } from './harness.js';

const check = openApiChecker(apiDoc);
const password = 'Correct-horse-9';

describe('user service: register, login, refresh, logout', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startUserService();
  });

  afterAll(async () => {
    await h.close();
  });

  async function register(email = uniqueEmail('reg'), name = 'Ada Lovelace') {
    const res = await call(h.url, 'POST', '/api/auth/register', { body: { email, password, name } });
    return { res, email };
  }

  async function loginOk(email: string, ip = randomIp()) {
    const res = await call(h.url, 'POST', '/api/auth/login', { body: { email, password }, ip });
    expect(res.status).toBe(200);
    return res.body as { accessToken: string; refreshToken: string; expiresIn: number; tokenType: string };
  }

  it('when a shopper registers and logs in, then /me shows the profile and user.registered.v1 is published', async () => {
    const { res, email } = await register();
    expect(res.status).toBe(201);
    check('POST', '/api/auth/register', 201, res.body);
    expect(res.body).toEqual({ id: expect.any(String), email, name: 'Ada Lovelace' });

    const tokens = await loginOk(email);
    check('POST', '/api/auth/login', 200, tokens);
    expect(tokens.tokenType).toBe('Bearer');
    expect(tokens.expiresIn).toBeGreaterThan(0);

    const me = await call(h.url, 'GET', '/api/users/me', { token: tokens.accessToken });
    expect(me.status).toBe(200);
    check('GET', '/api/users/me', 200, me.body);
    expect(me.body).toMatchObject({ id: res.body.id, email, name: 'Ada Lovelace', phone: null, shippingAddress: null });

    const row = await waitFor(
      async () => {
        const r = await h.service.db('outbox').where({ type: 'user.registered.v1' }).whereRaw("payload->'data'->>'userId' = ?", [res.body.id]).first();
        return r?.published_at ? r : undefined;
      },
      { what: 'user.registered.v1 published' },
    );
    expect(row.payload.data).toEqual({ userId: res.body.id, email, name: 'Ada Lovelace' });
  });

  it('when the same email registers again (any case), then 409 EMAIL_TAKEN and no second profile', async () => {
    const { email } = await register();
    const again = await call(h.url, 'POST', '/api/auth/register', { body: { email: email.toUpperCase(), password, name: 'Other' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('EMAIL_TAKEN');
    check('POST', '/api/auth/register', 409, again.body);
    expect(await h.service.db('profiles').where({ email }).count({ n: '*' }).first()).toEqual({ n: 1 });
  });

  it('when the password breaks the realm policy, then 400 WEAK_PASSWORD and the email stays free', async () => {
    const email = uniqueEmail('weak');
    const weak = await call(h.url, 'POST', '/api/auth/register', { body: { email, password: 'short', name: 'Weak' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('WEAK_PASSWORD');
    expect(weak.body.error.message).toMatch(/length/);
    const asEmail = await call(h.url, 'POST', '/api/auth/register', { body: { email, password: email, name: 'Weak' } });
    expect(asEmail.body.error.code).toBe('WEAK_PASSWORD');
    const { res } = await register(email);
    expect(res.status).toBe(201);
  });

  it('when the body has unknown fields or a bad email, then 400 and nothing is created', async () => {
    const email = uniqueEmail('bad');
    const extra = await call(h.url, 'POST', '/api/auth/register', { body: { email, password, name: 'X', roles: ['admin'] } });
    expect(extra.status).toBe(400);
    expect(extra.body.error.code).toBe('VALIDATION_FAILED');
    const badEmail = await call(h.url, 'POST', '/api/auth/register', { body: { email: 'nope', password, name: 'X' } });
    expect(badEmail.status).toBe(400);
    expect((await call(h.url, 'POST', '/api/auth/login', { body: { email, password }, ip: randomIp() })).status).toBe(401);
  });

  it('when the password is wrong, then 401 INVALID_CREDENTIALS', async () => {
    const { email } = await register();
    const res = await call(h.url, 'POST', '/api/auth/login', { body: { email, password: 'Wrong-password-1' }, ip: randomIp() });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
    check('POST', '/api/auth/login', 401, res.body);
  });

  it('when wrong passwords repeat, then 429 with Retry-After, also for the right password, but not from another address', async () => {
    const { email } = await register();
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await call(h.url, 'POST', '/api/auth/login', { body: { email, password: `Wrong-${i}-pass` }, ip })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const blocked = await call(h.url, 'POST', '/api/auth/login', { body: { email, password }, ip });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    check('POST', '/api/auth/login', 429, blocked.body);
    await loginOk(email, randomIp());
  });

  it('when a good login follows some failures, then the consecutive count starts again', async () => {
    const { email } = await register();
    const ip = randomIp();
    const fail = () => call(h.url, 'POST', '/api/auth/login', { body: { email, password: 'Wrong-pass-00' }, ip });
    for (let i = 0; i < 4; i++) expect((await fail()).status).toBe(401);
    await loginOk(email, ip);
    for (let i = 0; i < 4; i++) expect((await fail()).status).toBe(401);
    await loginOk(email, ip);
  });

  it('when a refresh token is exchanged, then the new access token works; a bad one is 401', async () => {
    const { email } = await register();
    const tokens = await loginOk(email);
    const refreshed = await call(h.url, 'POST', '/api/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
    expect(refreshed.status).toBe(200);
    check('POST', '/api/auth/refresh', 200, refreshed.body);
    expect(refreshed.body.accessToken).not.toBe(tokens.accessToken);
    expect((await call(h.url, 'GET', '/api/users/me', { token: refreshed.body.accessToken })).status).toBe(200);
    const bad = await call(h.url, 'POST', '/api/auth/refresh', { body: { refreshToken: `${tokens.refreshToken.slice(0, -4)}AAAA` } });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('when a shopper logs out, then the old access token is refused here and by another service, and the refresh token is dead', async () => {
    const { email } = await register();
    const tokens = await loginOk(email);
    const env = testEnv('other');
    const redis = createRedis({ url: env.REDIS_URL });
    const otherService = createAuth({ keycloakUrl: env.KEYCLOAK_URL, realm: env.KEYCLOAK_REALM, audience: env.JWT_AUDIENCE, redis, logger: createLogger('other', 'silent') });
    try {
      await expect(otherService.verify(tokens.accessToken)).resolves.toMatchObject({ email });
      const out = await call(h.url, 'POST', '/api/auth/logout', { body: { refreshToken: tokens.refreshToken }, token: tokens.accessToken });
      expect(out.status).toBe(204);

      const me = await call(h.url, 'GET', '/api/users/me', { token: tokens.accessToken });
      expect(me.status).toBe(401);
      expect(me.body.error.message).toMatch(/logged out/);
      await expect(otherService.verify(tokens.accessToken)).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect((await call(h.url, 'POST', '/api/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).status).toBe(401);
      // A new login is a new session and works.
      const again = await loginOk(email);
      expect((await call(h.url, 'GET', '/api/users/me', { token: again.accessToken })).status).toBe(200);
    } finally {
      redis.disconnect();
    }
  });

  it("when logout is sent with another session's refresh token, then 400 and the session stays", async () => {
    const { email } = await register();
    const a = await loginOk(email);
    const b = await loginOk(email);
    const res = await call(h.url, 'POST', '/api/auth/logout', { body: { refreshToken: b.refreshToken }, token: a.accessToken });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_REFRESH_TOKEN');
    expect((await call(h.url, 'GET', '/api/users/me', { token: a.accessToken })).status).toBe(200);
    expect((await call(h.url, 'POST', '/api/auth/logout', { body: { refreshToken: a.refreshToken } })).status).toBe(401);
  });
});

describe('user service with Keycloak unreachable', () => {
  let h: Harness;

  beforeAll(async () => {
    // Port 9 (discard) is closed here: every Keycloak call is refused at once.
    h = await startUserService({ KEYCLOAK_URL: 'http://127.0.0.1:9', KEYCLOAK_TIMEOUT_MS: '1000' });
  });

  afterAll(async () => {
    await h.close();
  });

  it('when Keycloak is down, then register, login and refresh answer 503 DEPENDENCY_UNAVAILABLE fast', async () => {
    for (const [path, body] of [
      ['/api/auth/register', { email: uniqueEmail('down'), password, name: 'Down' }],
      ['/api/auth/login', { email: uniqueEmail('down'), password }],
      ['/api/auth/refresh', { refreshToken: 'x'.repeat(40) }],
    ] as const) {
      const started = Date.now();
      const res = await call(h.url, 'POST', path, { body, ip: randomIp() });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(res.headers.get('retry-after')).toBe('1');
      expect(Date.now() - started).toBeLessThan(3_500);
    }
    const ready = await call(h.url, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.keycloak).toMatch(/down/);
  });
});
