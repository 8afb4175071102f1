import { describe, expect, it, afterAll, beforeAll } from '@jest/globals';
import { z } from 'zod';
import { AppError } from '@shop/errors';
import { createLogger } from '@shop/logger';
import { createHttpApp, defineRoute, errorResponse, mountRoutes, NUL_FREE_PATTERN, openApiDocument, queryInt, type AuthGuards, type RequestHandler } from '@shop/http';
import { listen } from '@shop/testing';

const Item = z.strictObject({ id: z.uuid(), name: z.string(), n: z.number().int() }).meta({ id: 'Item' });
interface Deps { names: Map<string, string> }

const routes = [
  defineRoute(
    {
      method: 'get',
      path: '/api/items/:id',
      summary: 'one item',
      auth: 'public',
      request: { params: z.object({ id: z.uuid() }), query: z.strictObject({ n: queryInt(1, 10).default(1), q: z.string().min(1).optional() }) },
      responses: { 200: { description: 'the item', schema: Item }, 404: errorResponse('NOT_FOUND') },
      badParams: () => AppError.notFound('Item'),
    },
    ({ params, query }, deps: Deps) => {
      const name = deps.names.get(params.id);
      if (name === undefined) throw AppError.notFound('Item');
      return { id: params.id, name, n: query.n };
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/items',
      summary: 'add an item (admin)',
      auth: 'admin',
      request: { body: z.strictObject({ name: z.string().min(1).max(50) }) },
      responses: { 201: { description: 'created', schema: Item } },
    },
    ({ body }, deps: Deps) => {
      const id = '00000000-0000-4000-8000-000000000001';
      deps.names.set(id, body.name);
      return { id, name: body.name, n: 1 };
    },
  ),
];

const pass: RequestHandler = (_req, _res, next) => next();
const guards: AuthGuards = {
  required: (req, _res, next) => next(req.get('authorization') ? undefined : AppError.unauthenticated()),
  optional: pass,
  requireRole: () => (req, _res, next) => next(req.get('authorization') === 'admin' ? undefined : AppError.forbidden()),
};
const deps: Deps = { names: new Map([['00000000-0000-4000-8000-0000000000aa', 'kept']]) };
const app = createHttpApp({
  name: 'route-test',
  logger: createLogger('route-test', 'silent'),
  readiness: {},
  routes: (a) => mountRoutes(a, routes, { deps, auth: guards }),
});
let server: Awaited<ReturnType<typeof listen>>;
beforeAll(async () => { server = await listen(app); });
afterAll(() => server.close());

const call = async (method: string, path: string, init: { body?: unknown; auth?: string } = {}) => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...(init.auth ? { authorization: init.auth } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string }; [k: string]: unknown } };
};

describe('defineRoute and mountRoutes', () => {
  it('when a request is valid, then the handler gets the parsed params and query and its value is the answer', async () => {
    expect(await call('GET', '/api/items/00000000-0000-4000-8000-0000000000aa?n=3')).toEqual({
      status: 200,
      body: { id: '00000000-0000-4000-8000-0000000000aa', name: 'kept', n: 3 },
    });
    expect((await call('GET', '/api/items/00000000-0000-4000-8000-0000000000aa')).body).toEqual({ id: '00000000-0000-4000-8000-0000000000aa', name: 'kept', n: 1 });
  });

  it('when params do not parse and the route says so, then its own error (404), not a 400', async () => {
    expect((await call('GET', '/api/items/nope')).status).toBe(404);
  });

  it.each([
    ['a query integer in another notation', '?n=1e1'],
    ['a query integer out of bounds', '?n=11'],
    ['an unknown query parameter', '?x=1'],
    ['a NUL byte in the query', '?q=a%00b'],
  ])('when the request has %s, then 400 VALIDATION_FAILED', async (_what, qs) => {
    const res = await call('GET', `/api/items/00000000-0000-4000-8000-0000000000aa${qs}`);
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('when a body string holds a NUL byte, then 400 naming the field, and nothing is stored', async () => {
    const res = await call('POST', '/api/items', { body: { name: 'a\u0000b' }, auth: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/^name: must not contain NUL bytes/);
    expect(deps.names.size).toBe(1);
  });

  it('when a body is sent as text/plain, then 415 UNSUPPORTED_MEDIA_TYPE and nothing is stored', async () => {
    const res = await fetch(`${server.url}/api/items`, { method: 'POST', headers: { 'content-type': 'text/plain', authorization: 'admin' }, body: '{"name":"x"}' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(deps.names.size).toBe(1);
  });

  it('when the route is admin-only, then no token is 401, a customer 403 and an admin gets the first 2xx status', async () => {
    expect((await call('POST', '/api/items', { body: { name: 'x' } })).status).toBe(401);
    expect((await call('POST', '/api/items', { body: { name: 'x' }, auth: 'customer' })).status).toBe(403);
    expect((await call('POST', '/api/items', { body: { name: 'x' }, auth: 'admin' })).status).toBe(201);
  });
});

describe('a declared path with another method', () => {
  it('when asked with a method it lacks, then 405 with Allow listing the methods it has', async () => {
    const res = await fetch(`${server.url}/api/items`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    const get = await fetch(`${server.url}/api/items/00000000-0000-4000-8000-0000000000aa`, { method: 'DELETE' });
    expect({ status: get.status, allow: get.headers.get('allow') }).toEqual({ status: 405, allow: 'GET, HEAD, OPTIONS' });
  });

  it('when asked with OPTIONS, then 204 with Allow', async () => {
    const res = await fetch(`${server.url}/api/items`, { method: 'OPTIONS' });
    expect({ status: res.status, allow: res.headers.get('allow') }).toEqual({ status: 204, allow: 'POST, OPTIONS' });
  });
});

describe('openApiDocument', () => {
  const doc = openApiDocument({ title: 'Items', description: 'test' }, routes) as {
    paths: Record<string, Record<string, { security: unknown[]; parameters?: Array<{ name: string; schema: Record<string, unknown> }>; responses: Record<string, unknown>; requestBody?: { content: Record<string, { schema: { properties: Record<string, Record<string, unknown>> } }> } }>>;
    components: { schemas: Record<string, unknown> };
  };

  it('when routes are declared, then each is an operation on its OpenAPI path, with the answers its auth and validation imply', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/items', '/api/items/{id}']);
    expect(Object.keys(doc.paths['/api/items'].post.responses).sort()).toEqual(['201', '400', '401', '403', '415', '503']);
    expect(Object.keys(doc.paths['/api/items/{id}'].get.responses).sort()).toEqual(['200', '400', '404', '503']);
    expect(doc.paths['/api/items/{id}'].get.security).toEqual([]);
    expect(doc.paths['/api/items'].post.security).toEqual([{ bearer: [] }]);
    expect(doc.components.schemas.Item).toBeDefined();
  });

  it('when a request takes a string or an integer, then the document says no NUL bytes and gives the integer bounds', () => {
    const params = Object.fromEntries((doc.paths['/api/items/{id}'].get.parameters ?? []).map((p) => [p.name, p.schema]));
    expect(params.n).toMatchObject({ type: 'integer', minimum: 1, maximum: 10 });
    expect(params.q).toMatchObject({ type: 'string', pattern: NUL_FREE_PATTERN });
    expect(params.id).toMatchObject({ type: 'string', format: 'uuid' });
    expect(doc.paths['/api/items'].post.requestBody?.content['application/json'].schema.properties.name).toMatchObject({ pattern: NUL_FREE_PATTERN });
  });
});
