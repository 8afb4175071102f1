import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createRedis } from '@shop/cache';
import { errorHandler } from '@shop/http';
import type { Logger } from '@shop/logger';
import { hungLink } from '@shop/testing';
import { rateLimit, type RateLimitOptions } from '../src/index.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = { error() {}, warn() {}, info() {}, debug() {} } as unknown as Logger;

let redis: Redis;
const servers: Server[] = [];
beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  await redis.ping();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  await redis.quit();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: { error?: { code: string } };
}

/** The app on a free loopback port; returns a GET helper (the peer is 127.0.0.1, like nginx). */
async function serve(app: Express): Promise<(headers?: Record<string, string>) => Promise<Answer>> {
  const server = await new Promise<Server>((ready) => {
    const s = app.listen(0, '127.0.0.1', () => ready(s));
  });
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return async (headers = {}) => {
    const res = await fetch(`http://127.0.0.1:${port}/thing`, { headers });
    const text = await res.text();
    return { status: res.status, headers: Object.fromEntries(res.headers), body: text ? JSON.parse(text) : {} };
  };
}

async function expectStatus(get: (h?: Record<string, string>) => Promise<Answer>, status: number, headers?: Record<string, string>): Promise<Answer> {
  const answer = await get(headers);
  expect(answer.status).toBe(status);
  return answer;
}

/** A tiny service: an optional fake auth step, the limiter, one route, the platform's error handler. */
function appWith(options: Partial<RateLimitOptions> & Pick<RateLimitOptions, 'points'>, auth?: RequestHandler): Express {
  const app = express();
  if (auth) app.use(auth);
  app.use(rateLimit({ redis, keyPrefix: `test:rl:${randomUUID()}`, durationSec: 60, by: 'ip', ...options }));
  app.get('/thing', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(errorHandler(silent));
  return app;
}

describe('rateLimit', () => {
  it('when a caller bursts past the limit, then it gets 429 RATE_LIMITED with RateLimit headers and Retry-After', async () => {
    const get = await serve(appWith({ points: 3 }));
    for (const remaining of ['2', '1', '0']) {
      const ok = await get();
      expect(ok.status).toBe(200);
      expect(ok.headers['ratelimit-limit']).toBe('3');
      expect(ok.headers['ratelimit-remaining']).toBe(remaining);
      expect(Number(ok.headers['ratelimit-reset'])).toBeGreaterThan(0);
    }
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/application\/json/);
    expect(limited.body.error?.code).toBe('RATE_LIMITED');
    expect(limited.headers['ratelimit-limit']).toBe('3');
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('when an anonymous caller forges X-Forwarded-For, then it stays on its own budget', async () => {
    const get = await serve(appWith({ points: 2 }));
    await expectStatus(get, 200, { 'X-Forwarded-For': '203.0.113.1' });
    await expectStatus(get, 200, { 'X-Forwarded-For': '203.0.113.2' });
    const forged = await get({ 'X-Forwarded-For': '198.51.100.77, 203.0.113.3' });
    expect(forged.status).toBe(429);
  });

  it('when the loopback proxy names different clients in X-Real-IP, then each has its own budget', async () => {
    const get = await serve(appWith({ points: 1 }));
    await expectStatus(get, 200, { 'X-Real-IP': '203.0.113.10' });
    await expectStatus(get, 200, { 'X-Real-IP': '203.0.113.11' });
    await expectStatus(get, 429, { 'X-Real-IP': '203.0.113.10' });
  });

  it('when the peer is not a trusted proxy, then its X-Real-IP is ignored', async () => {
    const get = await serve(appWith({ points: 1, trustedProxies: ['10.0.0.0/8'] }));
    await expectStatus(get, 200, { 'X-Real-IP': '203.0.113.20' });
    await expectStatus(get, 429, { 'X-Real-IP': '203.0.113.21' });
  });

  it('when limiting by user, then two users behind one address have separate budgets', async () => {
    const fakeAuth: RequestHandler = (req, _res, next) => {
      const id = req.header('x-test-user');
      if (id) (req as unknown as { user: { id: string } }).user = { id };
      next();
    };
    const get = await serve(appWith({ points: 1, by: 'user' }, fakeAuth));
    await expectStatus(get, 200, { 'x-test-user': 'alice' });
    await expectStatus(get, 200, { 'x-test-user': 'bob' });
    await expectStatus(get, 429, { 'x-test-user': 'alice' });
    // An anonymous caller is limited by address, apart from the users.
    await expectStatus(get, 200);
    await expectStatus(get, 429);
  });

  it('when two replicas share Redis, then they share one budget per caller', async () => {
    const keyPrefix = `test:rl:${randomUUID()}`;
    const replica1 = await serve(appWith({ points: 2, keyPrefix }));
    const replica2 = await serve(appWith({ points: 2, keyPrefix }));
    await expectStatus(replica1, 200);
    await expectStatus(replica2, 200);
    await expectStatus(replica1, 429);
    await expectStatus(replica2, 429);
  });

  it('when Redis is unreachable, then the in-memory limiter still answers and still limits', async () => {
    // A client that can never connect: status stays not-ready, commands are not queued.
    const down = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      const app = express();
      app.use(rateLimit({ redis: down, keyPrefix: `test:rl:${randomUUID()}`, points: 2, durationSec: 60, by: 'ip' }));
      app.get('/thing', (_req, res) => {
        res.json({ ok: true });
      });
      app.use(errorHandler(silent));
      const get = await serve(app);
      const started = Date.now();
      const first = await get();
      expect(first.status).toBe(200);
      expect(first.headers['ratelimit-remaining']).toBe('1');
      await expectStatus(get, 200);
      const limited = await get();
      expect(limited.status).toBe(429);
      expect(limited.body.error?.code).toBe('RATE_LIMITED');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      down.disconnect();
    }
  });

  it('when Redis hangs (connected, never answering), then one request per replica waits at most the breaker deadline, the rest are counted in memory at once, and the budget still limits', async () => {
    const url = new URL(REDIS_URL);
    const link = await hungLink({ host: url.hostname, port: Number(url.port || 6379) });
    const hung = createRedis({ url: `redis://127.0.0.1:${link.port}` });
    hung.on('error', () => undefined);
    try {
      await hung.ping();
      const app = express();
      app.use(rateLimit({ redis: hung, keyPrefix: `test:rl:${randomUUID()}`, points: 5, durationSec: 60, by: 'ip' }));
      app.get('/thing', (_req, res) => {
        res.json({ ok: true });
      });
      app.use(errorHandler(silent));
      const get = await serve(app);
      await expectStatus(get, 200); // counted in Redis
      link.set('hold');
      const times: number[] = [];
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const started = Date.now();
        statuses.push((await get()).status);
        times.push(Date.now() - started);
      }
      // The first waited for the breaker's deadline (150 ms), not the client's 1 s timeout; the
      // others did not wait on Redis at all. Memory counts from zero: 5 more, then 429.
      expect(times[0]).toBeLessThan(600);
      expect(Math.max(...times.slice(1))).toBeLessThan(100);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    } finally {
      link.set('off');
      hung.disconnect();
      await link.close();
    }
  }, 20_000);
});
