/**
 * The live edge at :8000 (nginx locally), against the running platform. Loopback only,
 * every loop bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { ROOT, run } from './edge-files.js';

// EDGE_URL only to aim these tests at another local edge while working on its conf.
const EDGE = process.env.EDGE_URL ?? 'http://127.0.0.1:8000';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function edgeAnswers(): Promise<boolean> {
  try {
    const res = await fetch(`${EDGE}/_edge/health`, { signal: AbortSignal.timeout(2_000) });
    await res.text();
    return res.ok;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  if (!(await edgeAnswers())) {
    throw new Error(`The edge at ${EDGE} does not answer (GET /_edge/health). Start the platform with \`npm run up\`, then run these tests again.`);
  }
});

/** POSTs `size` bytes with node:http, which reports the response even while the upload is cut short. */
function postLarge(path: string, size: number): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${EDGE}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(size) },
    });
    req.setTimeout(15_000, () => req.destroy(new Error('timed out')));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    // nginx may answer 413 and stop reading before the upload ends; that is expected.
    req.on('error', (err) => reject(err));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe('edge (nginx at :8000)', () => {
  it('when a POST body is 10 MB, then the edge answers a JSON 413 without bothering a service', async () => {
    const res = await postLarge('/api/orders', 10 * 1024 * 1024);
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(res.body);
    expect(body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(body.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('when the path is unknown, then the edge answers a JSON 404 with a request id', async () => {
    for (const path of [`/no/such/${randomUUID()}`, '/api/nothing-here']) {
      const res = await fetch(`${EDGE}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as { error: { code: string; requestId: string } };
      expect(body.error.code).toBe('NOT_FOUND');
      expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
    }
  });

  it("when the client sends X-Request-Id, then it is echoed; when not, the edge mints one", async () => {
    const id = `edge-test-${randomUUID()}`;
    const echoed = await fetch(`${EDGE}/api/products?limit=1`, { headers: { 'X-Request-Id': id } });
    await echoed.text();
    expect(echoed.headers.get('x-request-id')).toBe(id);

    const minted = await fetch(`${EDGE}/api/nothing-here`);
    await minted.text();
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);

    // Not an id (spaces): replaced, so it cannot pollute logs or headers downstream.
    const junk = await fetch(`${EDGE}/api/nothing-here`, { headers: { 'X-Request-Id': 'not an id' } });
    await junk.text();
    expect(junk.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('when an anonymous client reads the product list twice in a row, then the second is a micro-cache HIT', async () => {
    const url = `${EDGE}/api/products?limit=2`;
    const first = await fetch(url);
    await first.text();
    expect(first.status).toBe(200);
    expect(['MISS', 'HIT', 'EXPIRED', 'UPDATING', 'STALE']).toContain(first.headers.get('x-cache-status'));
    const second = await fetch(url);
    await second.text();
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache-status')).toBe('HIT');

    // A catalog read is the same for everyone: a signed-in reader (the whole crowd on drop
    // day) is served from the cache too, and the token is not forwarded to the service.
    const authed = await fetch(url, { headers: { Authorization: 'Bearer not-a-real-token' } });
    const authedBody = await authed.text();
    expect(authed.status).toBe(200);
    expect(authed.headers.get('x-cache-status')).toBe('HIT');
    expect(JSON.parse(authedBody)).toEqual(JSON.parse(await (await fetch(url)).text()));
  });

  it('when a signed-in client reads a product page twice, then the second is a HIT: public reads are cached whoever asks', async () => {
    const list = (await (await fetch(`${EDGE}/api/products?limit=1`)).json()) as { items: Array<{ id: string }> };
    const path = list.items[0] ? `/api/products/${list.items[0].id}` : '/api/categories';
    const headers = { Authorization: `Bearer edge-test-${randomUUID()}.x.y` };
    const first = await fetch(`${EDGE}${path}`, { headers });
    await first.text();
    expect(first.status).toBe(200);
    const second = await fetch(`${EDGE}${path}`, { headers });
    await second.text();
    expect(second.headers.get('x-cache-status')).toBe('HIT');
  });

  it("when a product's recommendations are read twice, then the second is a HIT, whoever asks", async () => {
    const list = (await (await fetch(`${EDGE}/api/products?limit=1`)).json()) as { items: Array<{ id: string }> };
    expect(list.items.length).toBe(1);
    const path = `/api/products/${list.items[0].id}/recommendations?limit=3`;
    const headers = { Authorization: `Bearer edge-test-${randomUUID()}.x.y` };
    const first = await fetch(`${EDGE}${path}`, { headers });
    await first.text();
    expect(first.status).toBe(200);
    const second = await fetch(`${EDGE}${path}`, { headers });
    await second.text();
    expect(second.headers.get('x-cache-status')).toBe('HIT');
  });

  it('when a drop route is called, then it reaches the order service; queue polls are never cached', async () => {
    const missing = await fetch(`${EDGE}/api/drops/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    for (let i = 0; i < 2; i++) {
      const poll = await fetch(`${EDGE}/api/drops/${randomUUID()}/queue/me`);
      await poll.text();
      expect(poll.status).toBe(401);
      expect(poll.headers.get('x-cache-status')).toBe('BYPASS');
    }
  });
});

describe('edge failover', () => {
  const PM2 = join(ROOT, 'scripts', 'pm2.sh');
  const pm2Env = { ...process.env, PM2_HOME: join(ROOT, '.run', 'pm2') };
  const VICTIM = 'product-2';
  const VICTIM_PORT = 4012;

  interface Pm2Proc {
    name: string;
    pid: number;
    pm2_env: { status: string; restart_time?: number };
  }

  async function pm2List(): Promise<Pm2Proc[]> {
    // `pm2 jlist` would spawn a fresh, empty daemon if none ran: check first, so a
    // platform that is not up fails clearly instead.
    let daemon = 0;
    try {
      daemon = Number(readFileSync(join(pm2Env.PM2_HOME, 'pm2.pid'), 'utf8').trim());
      process.kill(daemon, 0);
    } catch {
      throw new Error('no pm2 daemon under .run/pm2: the services are not running (npm run up)');
    }
    const { stdout } = await run(PM2, ['jlist'], { env: pm2Env, timeout: 20_000 });
    const json = stdout.trim().split('\n').pop() ?? '[]';
    return JSON.parse(json) as Pm2Proc[];
  }

  async function replicaReady(port: number): Promise<boolean> {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      await res.text();
      return res.ok;
    } catch {
      return false;
    }
  }

  async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await sleep(250);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }

  let killed = false;
  afterAll(async () => {
    // Leave the platform as we found it: the killed replica back and ready.
    if (killed) await waitUntil(`${VICTIM} to be ready again`, () => replicaReady(VICTIM_PORT), 60_000);
  }, 70_000);

  it('when one product replica is killed under read load, then no GET fails', async () => {
    await waitUntil('both product replicas to be ready', async () => (await replicaReady(4011)) && (await replicaReady(4012)), 30_000);
    const victim = (await pm2List()).find((p) => p.name === VICTIM && p.pm2_env.status === 'online');
    if (!victim?.pid) throw new Error(`pm2 (PM2_HOME=.run/pm2) shows no online ${VICTIM}`);

    // 300 GETs over about 3 s, 10 at a time. Half read one product that does not exist
    // (a 404 the service itself answers, never cached), so every one of those reaches a
    // replica; half read the list (200, possibly from the micro-cache).
    const TOTAL = 300;
    const CONCURRENCY = 10;
    const PACE_MS = 100;
    const failures: string[] = [];
    let next = 0;
    let served404 = 0;
    const worker = async (): Promise<void> => {
      while (next < TOTAL) {
        const i = next++;
        const byId = i % 2 === 0;
        const url = byId ? `${EDGE}/api/products/${randomUUID()}` : `${EDGE}/api/products?limit=${(i % 10) + 1}`;
        const started = Date.now();
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
          const text = await res.text();
          const expected = byId ? 404 : 200;
          if (res.status !== expected) failures.push(`${res.status} ${url} ${text.slice(0, 200)}`);
          else if (byId) {
            if ((JSON.parse(text) as { error?: { code?: string } }).error?.code !== 'NOT_FOUND') failures.push(`404 without NOT_FOUND: ${text}`);
            served404++;
          }
        } catch (err) {
          failures.push(`${url}: ${(err as Error).message}`);
        }
        await sleep(Math.max(0, PACE_MS - (Date.now() - started)));
      }
    };
    const load = Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await sleep(1_000);
    process.kill(victim.pid, 'SIGKILL');
    killed = true;
    await load;

    expect(failures).toEqual([]);
    expect(served404).toBe(TOTAL / 2);
    // The kill really happened: pm2 has (or soon has) a new process for the replica.
    await waitUntil(`pm2 to restart ${VICTIM}`, async () => {
      const now = (await pm2List()).find((p) => p.name === VICTIM);
      return !!now && now.pid !== victim.pid && now.pm2_env.status === 'online';
    }, 30_000);
  }, 90_000);
});
