/**
 * What the edge says when every replica of a service answers a fast 503 (a dependency
 * is away), or when none of them takes the connection (both refusing, as when twins restart
 * together): a 503 with Retry-After and the platform's JSON error, never a 502. Runs a
 * private nginx from the real template in front of stub replicas; :8000 is untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort, startPrivateEdge, stubReplica, type PrivateEdge, type Stub } from './private-edge.js';

let stubs: Stub[] = [];
let edge: PrivateEdge | undefined;

beforeAll(async () => {
  const unavailable = () =>
    stubReplica((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end('{"error":{"code":"DEPENDENCY_UNAVAILABLE","message":"database unavailable","requestId":"x"}}');
    });
  stubs = [await unavailable(), await unavailable()];
  edge = await startPrivateEdge(stubs.map((s) => s.port));
});

afterAll(async () => {
  await edge?.stop();
  await Promise.all(stubs.map((s) => s.close()));
});

describe('edge with every replica answering 503', () => {
  it('when requests keep coming while both replicas answer 503, then every client sees 503 with Retry-After and a JSON error', async () => {
    const seen: Array<{ status: number; retryAfter: string | null; code: unknown }> = [];
    // Sequential and bounded: enough to mark both replicas failed (max_fails=3) several times over.
    for (let i = 0; i < 24; i++) {
      const [method, path] = i % 2 === 0 ? ['GET', '/api/users/me'] : ['POST', '/api/orders'];
      const res = await fetch(`${edge!.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'POST' ? '{}' : undefined,
        signal: AbortSignal.timeout(5_000),
      });
      const text = await res.text();
      let code: unknown;
      try {
        code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
      } catch {
        code = `not JSON: ${text.slice(0, 60)}`;
      }
      seen.push({ status: res.status, retryAfter: res.headers.get('retry-after'), code });
    }
    expect(stubs.reduce((n, s) => n + s.hits, 0)).toBeGreaterThan(0);
    const wrong = seen.filter((s) => s.status !== 503 || !s.retryAfter || typeof s.code !== 'string');
    expect(wrong).toEqual([]);
  });
});

describe('edge with every replica refusing connections', () => {
  it('when no replica takes the connection, then even the first order is 503 with Retry-After (nothing reached a replica), not 502', async () => {
    const closed = await startPrivateEdge([await freePort(), await freePort()]);
    try {
      const seen: Array<{ status: number; retryAfter: string | null; code: unknown }> = [];
      // The first request tries both replicas and finds both refusing; the later ones find both marked failed.
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${closed.url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(5_000) });
        const body = (await res.json()) as { error?: { code?: unknown } };
        seen.push({ status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error?.code });
      }
      expect(seen).toEqual(Array.from({ length: 4 }, () => ({ status: 503, retryAfter: '1', code: 'SERVICE_UNAVAILABLE' })));
    } finally {
      await closed.stop();
    }
  });

  it('when a replica takes the connection and breaks it off, then the answer stays 502 (it may have acted on the request)', async () => {
    const reset = await stubReplica((req) => req.socket.resetAndDestroy());
    const broken = await startPrivateEdge([reset.port]);
    try {
      const res = await fetch(`${broken.url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(5_000) });
      expect({ status: res.status, code: ((await res.json()) as { error?: { code?: unknown } }).error?.code }).toEqual({ status: 502, code: 'BAD_GATEWAY' });
    } finally {
      await broken.stop();
      await reset.close();
    }
  });
});
