import { describe, expect, it, afterAll, beforeAll } from '@jest/globals';
import { z } from 'zod';
import { AppError } from '@shop/errors';
import { createLogger } from '@shop/logger';
import { createHttpApp, defineRoute, errorResponse, leanLane, mountRoutes, type AuthGuards, type RequestHandler } from '@shop/http';
import { listen } from '@shop/testing';

// The same route twice, once on the lean lane: every answer must be the same on both.
interface Deps { seen: string[] }
const route = (path: string, lean: boolean) =>
  defineRoute(
    {
      method: 'get',
      path,
      summary: 'a ticket',
      auth: 'user',
      lean,
      request: { params: z.strictObject({ id: z.uuid() }) },
      responses: { 200: { description: 'ok', schema: z.object({ id: z.string() }) }, 404: errorResponse('NOT_FOUND') },
      badParams: () => AppError.notFound('Thing'),
    },
    ({ req, res, params }, deps: Deps) => {
      // express adds req.get; the lean lane hands over node's own request.
      deps.seen.push(typeof (req as { get?: unknown }).get === 'function' ? 'express' : 'lean');
      res.setHeader('Cache-Control', 'private, no-store');
      if (params.id.endsWith('1')) throw new AppError('IDEMPOTENCY_KEY_IN_FLIGHT', 'busy', { headers: { 'Retry-After': '1' } });
      if (params.id.endsWith('2')) throw new Error('boom');
      return { id: params.id, user: req.user?.id };
    },
  );
const routes = [route('/api/lean/:id/me', true), route('/api/slow/:id/me', false)];

// Guards on the lean lane get node's IncomingMessage: headers, not express' req.get.
const required: RequestHandler = (req, _res, next) => {
  if (req.headers.authorization !== 'Bearer ok') return next(AppError.unauthenticated());
  req.user = { id: 'u1', email: '', roles: [] };
  next();
};
const guards: AuthGuards = { required, optional: required, requireRole: () => required };
const deps: Deps = { seen: [] };
const logger = createLogger('lean-test', 'silent');
const app = createHttpApp({
  name: 'lean-test',
  logger,
  readiness: {},
  routes: (a) => mountRoutes(a, routes, { deps, auth: guards }),
  lean: leanLane(routes, { deps, auth: guards, logger }),
});
let server: Awaited<ReturnType<typeof listen>>;
beforeAll(async () => { server = await listen(app); });
afterAll(() => server.close());

const OK = '00000000-0000-4000-8000-0000000000a0';
async function both(id: string, init: { method?: string; auth?: string; query?: string } = {}) {
  const answers = [];
  for (const lane of ['lean', 'slow']) {
    const res = await fetch(`${server.url}/api/${lane}/${id}/me${init.query ?? ''}`, {
      method: init.method ?? 'GET',
      headers: { ...(init.auth === undefined ? { authorization: 'Bearer ok' } : init.auth ? { authorization: init.auth } : {}), 'x-request-id': 'req-1' },
    });
    const headers = Object.fromEntries([...res.headers].filter(([k]) => !['date', 'keep-alive', 'connection'].includes(k)));
    const text = await res.text();
    answers.push({ status: res.status, headers, body: text ? JSON.parse(text) : undefined });
  }
  return answers;
}

describe('leanLane', () => {
  it('when a lean route is asked, then node:http answers it (not express) with the same status, headers and body', async () => {
    deps.seen.length = 0;
    const [lean, slow] = await both(OK);
    expect(deps.seen).toEqual(['lean', 'express']);
    expect(lean).toEqual(slow);
    expect(lean.status).toBe(200);
    expect(lean.body).toEqual({ id: OK, user: 'u1' });
    expect(lean.headers['cache-control']).toBe('private, no-store');
    expect(lean.headers['x-content-type-options']).toBe('nosniff');
    expect(lean.headers['x-request-id']).toBe('req-1');
  });

  it('when the guard refuses, the params do not parse, or the handler throws, then both lanes give the same error', async () => {
    for (const [id, auth, status] of [[OK, '', 401], ['not-a-uuid', undefined, 404], ['00000000-0000-4000-8000-000000000001', undefined, 409], ['00000000-0000-4000-8000-000000000002', undefined, 500]] as const) {
      const [lean, slow] = await both(id, { auth });
      expect(lean.status).toBe(status);
      expect(lean).toEqual(slow);
      expect(lean.body.error.requestId).toBe('req-1');
    }
    const [busy] = await both('00000000-0000-4000-8000-000000000001');
    expect(busy.headers['retry-after']).toBe('1');
  });

  it('when either lane refuses, then the refusal is counted by its code under its route, the same on both', async () => {
    await both('00000000-0000-4000-8000-000000000001');
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const count = (route: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('http_request_errors_total{') && l.includes(`route="${route}"`) && l.includes('code="IDEMPOTENCY_KEY_IN_FLIGHT"'))
        .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    expect(count('/api/lean/:id/me')).toBeGreaterThan(0);
    expect(count('/api/lean/:id/me')).toBe(count('/api/slow/:id/me'));
  });

  it('when the method is another or a query string is sent, then express answers as before', async () => {
    deps.seen.length = 0;
    const [head] = await both(OK, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const [post, slowPost] = await both(OK, { method: 'POST' });
    expect(post).toEqual(slowPost);
    expect(post.status).toBe(405);
    await both(OK, { query: '?x=1' });
    expect(deps.seen.every((s) => s === 'express')).toBe(true);
  });
});
