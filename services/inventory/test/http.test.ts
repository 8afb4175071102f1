import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createAuth } from '@shop/auth';
import { createDb } from '@shop/db';
import { createTestUser, listen, openApiChecker, type TestUser } from '@shop/testing';
import { createApp } from '../src/app.js';
import { inventoryDocument } from '../src/http/inventory.routes.js';
import { env, logger, seedStock, startInventory, stockOf, type Harness } from './harness.js';

let inv: Harness;
let admin: TestUser;
let customer: TestUser;
const check = openApiChecker(inventoryDocument());

/** Loose on purpose: each test asserts the shape it expects, and the OpenAPI check does the rest. */
interface ApiBody {
  error: { code: string; message: string; requestId: string };
  items: unknown[];
  openapi: string;
  paths: Record<string, unknown>;
  [field: string]: unknown;
}

async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const res = await fetch(`${inv.server.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as ApiBody };
}

beforeAll(async () => {
  inv = await startInventory();
  [admin, customer] = await Promise.all([createTestUser({ roles: ['admin'] }), createTestUser()]);
});
afterAll(async () => {
  await inv?.close();
});

describe('GET /api/inventory/:productId', () => {
  it('when the product has stock, then anyone gets {productId, available} and nothing else', async () => {
    const p = await seedStock(inv.db, 7);
    const res = await call('GET', `/api/inventory/${p}`);
    expect(res).toEqual({ status: 200, body: { productId: p, available: 7 } });
    check('GET', '/api/inventory/{productId}', res.status, res.body);
  });

  it('when the product is unknown, then 404 NOT_FOUND', async () => {
    const res = await call('GET', `/api/inventory/${randomUUID()}`);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', requestId: expect.any(String) });
    check('GET', '/api/inventory/{productId}', res.status, res.body);
  });

  it('when the id is not a UUID, then 400 VALIDATION_FAILED', async () => {
    const res = await call('GET', '/api/inventory/not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    check('GET', '/api/inventory/{productId}', res.status, res.body);
  });
});

describe('PUT /api/inventory/:productId', () => {
  it('when available plus the reserved and sold units would pass the column\'s range, then 409 STOCK_OUT_OF_RANGE, not 500 (found by Schemathesis)', async () => {
    const p = await seedStock(inv.db, 10);
    await inv.db('stock').where({ product_id: p }).update({ available: 5, reserved: 3, sold: 2 });
    const res = await call('PUT', `/api/inventory/${p}`, { token: admin.accessToken, body: { available: 2_147_483_646 } });
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 409, code: 'STOCK_OUT_OF_RANGE' });
    check('PUT', '/api/inventory/{productId}', res.status, res.body);
    expect(await stockOf(inv.db, p)).toEqual({ available: 5, reserved: 3, sold: 2, added: 10 });
  });

  it('when an admin sets available, then reserved and sold are untouched and added moves so the row still adds up', async () => {
    const p = await seedStock(inv.db, 10);
    await inv.db('stock').where({ product_id: p }).update({ available: 5, reserved: 3, sold: 2 });
    const up = await call('PUT', `/api/inventory/${p}`, { token: admin.accessToken, body: { available: 20 } });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ productId: p, available: 20, reserved: 3, sold: 2, added: 25 });
    check('PUT', '/api/inventory/{productId}', up.status, up.body);

    const down = await call('PUT', `/api/inventory/${p}`, { token: admin.accessToken, body: { available: 0 } });
    expect(down.body).toMatchObject({ available: 0, reserved: 3, sold: 2, added: 5 });
    expect(await stockOf(inv.db, p)).toEqual({ available: 0, reserved: 3, sold: 2, added: 5 });
  });

  it('when a customer tries it, then 403 FORBIDDEN and nothing changes', async () => {
    const p = await seedStock(inv.db, 10);
    const res = await call('PUT', `/api/inventory/${p}`, { token: customer.accessToken, body: { available: 99 } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    check('PUT', '/api/inventory/{productId}', res.status, res.body);
    expect(await stockOf(inv.db, p)).toEqual({ available: 10, reserved: 0, sold: 0, added: 10 });
  });

  it('when nobody is signed in, then 401 UNAUTHENTICATED', async () => {
    const p = await seedStock(inv.db, 10);
    const res = await call('PUT', `/api/inventory/${p}`, { body: { available: 1 } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['a negative count', { available: -1 }],
    ['a fraction', { available: 1.5 }],
    ['a string', { available: '5' }],
    ['an unknown field', { available: 5, reserved: 0 }],
    ['no count', {}],
  ])('when the body has %s, then 400 VALIDATION_FAILED and nothing changes', async (_what, body) => {
    const p = await seedStock(inv.db, 10);
    const res = await call('PUT', `/api/inventory/${p}`, { token: admin.accessToken, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    check('PUT', '/api/inventory/{productId}', res.status, res.body);
    expect(await stockOf(inv.db, p)).toEqual({ available: 10, reserved: 0, sold: 0, added: 10 });
  });

  it('when the body is not JSON, then 400 INVALID_JSON', async () => {
    const p = await seedStock(inv.db, 10);
    const res = await call('PUT', `/api/inventory/${p}`, { token: admin.accessToken, body: '{"available": ' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });

  it('when the product is unknown, then 404 and no row is created', async () => {
    const p = randomUUID();
    const res = await call('PUT', `/api/inventory/${p}`, { token: admin.accessToken, body: { available: 3 } });
    expect(res.status).toBe(404);
    expect(await stockOf(inv.db, p)).toBeUndefined();
  });
});

describe('admin views', () => {
  it('when an admin asks for a product, then the full counts come back; a customer gets 403', async () => {
    const p = await seedStock(inv.db, 9);
    const res = await call('GET', `/api/inventory/admin/stock/${p}`, { token: admin.accessToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ productId: p, available: 9, reserved: 0, sold: 0, added: 9, deleted: false });
    check('GET', '/api/inventory/admin/stock/{productId}', res.status, res.body);
    expect((await call('GET', `/api/inventory/admin/stock/${p}`, { token: customer.accessToken })).status).toBe(403);
  });

  it('when an admin lists tasks, then a page comes back; a customer gets 403', async () => {
    const res = await call('GET', '/api/inventory/admin/tasks?limit=5', { token: admin.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(5);
    check('GET', '/api/inventory/admin/tasks', res.status, res.body);
    expect((await call('GET', '/api/inventory/admin/tasks', { token: customer.accessToken })).status).toBe(403);
    expect((await call('GET', '/api/inventory/admin/tasks?limit=500', { token: admin.accessToken })).status).toBe(400);
  });

  it('when anyone asks for the OpenAPI document, then it is OpenAPI 3.1 and names every route', async () => {
    const res = await call('GET', '/api/inventory/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/inventory/{productId}', '/api/inventory/admin/stock/{productId}', '/api/inventory/admin/tasks']),
    );
  });

  it('when the database is away, then GET answers 503 fast instead of hanging', async () => {
    // A pool pointed at a port nobody listens on: the same as Postgres being down.
    const deadDb = createDb('postgres://inventory_svc:inventory_pw@127.0.0.1:1/inventory_test', { acquireTimeoutMs: 1_000 });
    const auth = createAuth({ keycloakUrl: env.KEYCLOAK_URL, realm: env.KEYCLOAK_REALM, audience: env.JWT_AUDIENCE, redis: inv.redis, logger });
    const server = await listen(createApp({ db: deadDb, redis: inv.redis, broker: inv.broker, auth, logger }));
    try {
      const started = Date.now();
      const res = await fetch(`${server.url}/api/inventory/${randomUUID()}`, { signal: AbortSignal.timeout(5_000) });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(3_000);
      const ready = await fetch(`${server.url}/health/ready`);
      expect(ready.status).toBe(503);
    } finally {
      await server.close();
      await deadDb.destroy();
    }
  });
});
