import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createTestUser, openApiChecker } from '@shop/testing';
import { apiDoc, call, startUserService, type Harness } from './harness.js';

const check = openApiChecker(apiDoc);
const address = { line1: '1 Market St', city: 'Berlin', postalCode: '10115', country: 'DE' };

describe('user service: profiles', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startUserService();
  });

  afterAll(async () => {
    await h.close();
  });

  it('when a Keycloak user without a profile row calls /me, then a profile is made from the token, not a 500', async () => {
    const user = await createTestUser({ name: 'Grace Hopper' });
    expect(await h.service.db('profiles').where({ id: user.id }).first()).toBeUndefined();
    const me = await call(h.url, 'GET', '/api/users/me', { token: user.accessToken });
    expect(me.status).toBe(200);
    check('GET', '/api/users/me', 200, me.body);
    expect(me.body).toMatchObject({ id: user.id, email: user.email, name: 'Grace Hopper' });
    const again = await call(h.url, 'GET', '/api/users/me', { token: user.accessToken });
    expect(again.body).toEqual(me.body);
    const events = await h.service.db('outbox').where({ type: 'user.registered.v1' }).whereRaw("payload->'data'->>'userId' = ?", [user.id]);
    expect(events).toHaveLength(1);
  });

  it('when name, phone and address are patched, then they are saved and user.profile_updated.v1 is enqueued', async () => {
    const user = await createTestUser();
    const res = await call(h.url, 'PATCH', '/api/users/me', { token: user.accessToken, body: { name: 'Ada', phone: '+4915112345678', shippingAddress: address } });
    expect(res.status).toBe(200);
    check('PATCH', '/api/users/me', 200, res.body);
    expect(res.body).toMatchObject({ name: 'Ada', phone: '+4915112345678', shippingAddress: address });
    const me = await call(h.url, 'GET', '/api/users/me', { token: user.accessToken });
    expect(me.body.shippingAddress).toEqual(address);
    const event = await h.service.db('outbox').where({ type: 'user.profile_updated.v1' }).whereRaw("payload->'data'->>'userId' = ?", [user.id]).first();
    expect(event.payload.data).toEqual({ userId: user.id, name: 'Ada', phone: '+4915112345678', shippingAddress: address });

    const cleared = await call(h.url, 'PATCH', '/api/users/me', { token: user.accessToken, body: { phone: null } });
    expect(cleared.body).toMatchObject({ name: 'Ada', phone: null, shippingAddress: address });
  });

  it('when the patch names roles, email or id, or is malformed, then 400 and nothing changes', async () => {
    const user = await createTestUser();
    const before = (await call(h.url, 'PATCH', '/api/users/me', { token: user.accessToken, body: { name: 'Before' } })).body;
    for (const body of [
      { roles: ['admin'] },
      { name: 'Mallory', email: 'mallory@example.test' },
      { id: '00000000-0000-4000-8000-000000000000' },
      { shippingAddress: { ...address, country: 'Germany' } },
      { shippingAddress: { ...address, extra: 1 } },
      { phone: '12345' },
      {},
    ]) {
      const res = await call(h.url, 'PATCH', '/api/users/me', { token: user.accessToken, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const after = await call(h.url, 'GET', '/api/users/me', { token: user.accessToken });
    expect(after.body).toEqual(before);
    expect((await call(h.url, 'GET', '/api/users/me', { token: user.accessToken })).body.email).toBe(user.email);
    const updates = await h.service.db('outbox').where({ type: 'user.profile_updated.v1' }).whereRaw("payload->'data'->>'userId' = ?", [user.id]);
    expect(updates).toHaveLength(1);
  });

  it('when there is no token, then /me is 401', async () => {
    const res = await call(h.url, 'GET', '/api/users/me');
    expect(res.status).toBe(401);
    check('GET', '/api/users/me', 401, res.body);
  });

  it('when a customer lists users, then 403; an admin pages through with a cursor', async () => {
    const [customer, admin] = await Promise.all([createTestUser(), createTestUser({ roles: ['admin'] })]);
    const forbidden = await call(h.url, 'GET', '/api/users', { token: customer.accessToken });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
    // Three fresh profiles: the newest three rows of the list.
    const fresh = [];
    for (let i = 0; i < 3; i++) {
      const u = await createTestUser();
      await call(h.url, 'GET', '/api/users/me', { token: u.accessToken });
      fresh.unshift(u.id);
    }
    const first = await call(h.url, 'GET', '/api/users?limit=2', { token: admin.accessToken });
    expect(first.status).toBe(200);
    check('GET', '/api/users', 200, first.body);
    expect(first.body.items.map((p: { id: string }) => p.id)).toEqual(fresh.slice(0, 2));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(h.url, 'GET', `/api/users?limit=2&cursor=${first.body.nextCursor}`, { token: admin.accessToken });
    expect(second.body.items[0].id).toBe(fresh[2]);
    for (const q of ['limit=0', 'limit=101', 'cursor=bm9wZQ', 'sort=name']) {
      const bad = await call(h.url, 'GET', `/api/users?${q}`, { token: admin.accessToken });
      expect(bad.status).toBe(400);
    }
    expect((await call(h.url, 'GET', '/api/users/admin/tasks', { token: admin.accessToken })).status).toBe(200);
    expect((await call(h.url, 'GET', '/api/users/admin/tasks', { token: customer.accessToken })).status).toBe(403);
  });

  it.each([
    // issue 10, defect 9: these reached Postgres as a uuid and a timestamp it refuses (500)
    ['an id of dashes', '2024-01-01 00:00:00.000001+00|------------------------------------'],
    ['an impossible date', '2024-02-30 00:00:00.000001+00|3f1c2a9e-8d4b-4c6e-9a7f-1b2c3d4e5f60'],
    ['a NUL byte', '2024-01-01 00:00:00\u0000|3f1c2a9e-8d4b-4c6e-9a7f-1b2c3d4e5f60'],
  ])('when the user-list cursor holds %s, then 400 INVALID_CURSOR', async (_what, raw) => {
    const admin = await createTestUser({ roles: ['admin'] });
    const res = await call(h.url, 'GET', `/api/users?cursor=${Buffer.from(raw, 'utf8').toString('base64url')}`, { token: admin.accessToken });
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'INVALID_CURSOR' });
    check('GET', '/api/users', 400, res.body);
  });

  it('when /openapi.json is fetched, then it is an OpenAPI 3.1 document naming every route', async () => {
    const res = await call(h.url, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/register', '/api/auth/login', '/api/auth/refresh', '/api/auth/logout', '/api/users/me', '/api/users']),
    );
  });
});
