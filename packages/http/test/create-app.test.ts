import { describe, expect, it, afterAll, beforeAll } from '@jest/globals';
import { z } from 'zod';
import { AppError } from '@shop/errors';
import { createLogger } from '@shop/logger';
import { createHttpApp, validate } from '@shop/http';
import { listen } from '@shop/testing';

const logger = createLogger('http-test', 'silent');
let healthy = true;
const app = createHttpApp({
  name: 'http-test',
  logger,
  readiness: { dep: () => { if (!healthy) throw new Error('gone'); } },
  bodyLimit: '1kb',
  routes: (a) => {
    a.post('/echo', validate('body', z.strictObject({ n: z.number().int().min(0) })), (_req, res) => {
      res.json(res.locals.body);
    });
    a.get('/boom', () => { throw new Error('secret internals'); });
    a.get('/teapot', () => { throw new AppError('OUT_OF_STOCK', 'Sold out'); });
    // What pg throws for a value its column cannot hold (integer out of range).
    a.get('/overflow', () => { throw Object.assign(new Error('integer out of range'), { code: '22003', severity: 'ERROR' }); });
  },
});
let server: Awaited<ReturnType<typeof listen>>;
beforeAll(async () => { server = await listen(app); });
afterAll(() => server.close());

const post = (body: string) => fetch(`${server.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('the shared http app', () => {
  it('when the body has an unknown field, then 400 VALIDATION_FAILED with the path', async () => {
    const res = await post(JSON.stringify({ n: 1, extra: true }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('when Postgres refuses a value (22xxx: out of range, malformed), then 400 VALIDATION_FAILED, not 500', async () => {
    const res = await fetch(`${server.url}/overflow`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });

  it('when the JSON is malformed, then 400 INVALID_JSON', async () => {
    const res = await post('{"n":');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_JSON');
  });

  it('when the body is not application/json, then 415 UNSUPPORTED_MEDIA_TYPE, not an empty body', async () => {
    const res = await fetch(`${server.url}/echo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"n":1}' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('when the body is over the limit, then 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post(JSON.stringify({ n: 1, pad: 'x'.repeat(5000) }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('when a handler throws something unknown, then 500 hides the internals', async () => {
    const res = await fetch(`${server.url}/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('secret internals');
  });

  it('when a handler throws an AppError, then its code and status go out', async () => {
    const res = await fetch(`${server.url}/teapot`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('OUT_OF_STOCK');
  });

  it('when a dependency check fails, then ready is 503 and live stays 200', async () => {
    healthy = false;
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(503);
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    healthy = true;
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
  });

  it('when /metrics is read, then it speaks the Prometheus text format', async () => {
    await fetch(`${server.url}/teapot`);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('http_request_duration_seconds_bucket');
  });

  it('when a request is refused, then its error code is counted under its route', async () => {
    await fetch(`${server.url}/no/such/42`);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/http_request_errors_total\{[^}]*route="unmatched"[^}]*code="NOT_FOUND"[^}]*\} [1-9]/);
  });
});

describe('dependency failures', () => {
  const failing = createHttpApp({
    name: 'http-test-deps',
    logger,
    readiness: {},
    routes: (a) => {
      a.get('/db-down', () => { throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }); });
      a.get('/pool', () => { throw Object.assign(new Error('Knex: Timeout acquiring a connection'), { name: 'KnexTimeoutError' }); });
      // What pg throws when Postgres aborts a transaction to break a deadlock or a serialization conflict.
      a.get('/deadlock', () => { throw Object.assign(new Error('deadlock detected'), { code: '40P01', severity: 'ERROR' }); });
      a.get('/serialization', () => { throw Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001', severity: 'ERROR' }); });
    },
  });
  let s: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => { s = await listen(failing); });
  afterAll(() => s.close());

  it.each(['/db-down', '/pool'])('when %s fails to reach its database, then 503 with Retry-After, not 500', async (path) => {
    const res = await fetch(`${s.url}${path}`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('DEPENDENCY_UNAVAILABLE');
  });

  it.each(['/deadlock', '/serialization'])('when Postgres aborts the transaction (%s: 40P01, 40001), then 503 with Retry-After, not 500', async (path) => {
    const res = await fetch(`${s.url}${path}`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('DEPENDENCY_UNAVAILABLE');
  });
});

describe('routeLabel', () => {
  it('when a path holds ids, then they fold to :id', async () => {
    const { routeLabel } = await import('../src/metrics.js');
    expect(routeLabel(true, '/api/orders/0b7a4c1e-3f1b-4c55-9a55-2d0c8a6f5b11/cancel')).toBe('/api/orders/:id/cancel');
    expect(routeLabel(true, '/api/orders/')).toBe('/api/orders');
    expect(routeLabel(false, '/no/such/7')).toBe('unmatched');
  });
});
