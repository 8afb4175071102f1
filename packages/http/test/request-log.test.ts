import { describe, expect, it, afterAll, beforeAll } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createHttpApp } from '@shop/http';
import { listen } from '@shop/testing';

// The one rule for request lines (request-log.ts): failed (5xx) or slow requests only; the edge logs every request.
const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({ write: (chunk, _enc, done) => { lines.push(JSON.parse(String(chunk))); done(); } });
const logger = pino({ level: 'info' }, sink);
const app = createHttpApp({
  name: 'request-log-test',
  logger,
  readiness: {},
  slowRequestMs: 100,
  routes: (a) => {
    a.get('/fast', (_req, res) => void res.json({ ok: true }));
    a.get('/slow', (_req, res) => void setTimeout(() => res.json({ ok: true }), 150));
    a.get('/boom', () => { throw new Error('internals'); });
  },
});
let server: Awaited<ReturnType<typeof listen>>;
beforeAll(async () => { server = await listen(app); });
afterAll(() => server.close());

const settle = () => new Promise((r) => setTimeout(r, 50));
const requestLines = () => lines.filter((l) => l.req !== undefined);

describe('request log lines', () => {
  it('when a request answers fast with a 2xx or 4xx, then no line is written', async () => {
    lines.length = 0;
    expect((await fetch(`${server.url}/fast`)).status).toBe(200);
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
    await settle();
    expect(requestLines()).toEqual([]);
  });

  it('when a request is slow, then one info line with its id, route and time', async () => {
    lines.length = 0;
    const res = await fetch(`${server.url}/slow`);
    await settle();
    expect(requestLines()).toEqual([
      expect.objectContaining({ msg: 'slow request', level: 30, req: { id: res.headers.get('x-request-id'), method: 'GET', url: '/slow' }, res: { statusCode: 200 }, responseTime: expect.any(Number) }),
    ]);
  });

  it('when a request fails with a 5xx, then one warn line for it (beside the error line)', async () => {
    lines.length = 0;
    expect((await fetch(`${server.url}/boom`)).status).toBe(500);
    await settle();
    expect(requestLines()).toEqual([expect.objectContaining({ msg: 'failed request', level: 40, res: { statusCode: 500 } })]);
    expect(lines.some((l) => l.msg === 'unhandled error')).toBe(true);
  });
});
