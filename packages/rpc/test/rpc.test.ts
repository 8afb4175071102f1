import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AppError } from '@shop/errors';
import { createLogger } from '@shop/logger';
import { checkHealth, rpcClient, startRpcServer, STOP_LINGER_MS, type RpcClient, type RpcServer } from '../src/index.js';

/** Two real gRPC servers serving shop.inventory.v1.Stock from the contracts' .proto, as two replicas would. */
const logger = createLogger('rpc-test', 'silent');
const PRODUCT = '0b4f4c1e-8f7a-4d1e-9a57-3f0f2d1c5b6a';
type Answer = (replica: string, productId: string) => Promise<{ productId: string; available: number }>;
let answer: Answer;
const seen: string[] = [];
const servers: RpcServer[] = [];
const clients: Array<RpcClient<'inventory'>> = [];

async function replica(name: string, checks?: Record<string, () => unknown>, port = 0): Promise<RpcServer> {
  const server = await startRpcServer({
    host: '127.0.0.1',
    port,
    logger,
    checks,
    healthEveryMs: 50,
    apis: [{ api: 'inventory', handlers: { GetAvailability: ({ productId }) => (seen.push(name), answer(name, productId)) } }],
  });
  servers.push(server);
  return server;
}

function client(target: string, deadlineMs = 1_000): RpcClient<'inventory'> {
  const c = rpcClient('inventory', { target, deadlineMs, what: 'The inventory service' });
  clients.push(c);
  return c;
}

const failureOf = (p: Promise<unknown>) => p.then(() => undefined, (err: unknown) => err as AppError);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let a: RpcServer;
let b: RpcServer;
let both: string;

beforeAll(async () => {
  [a, b] = await Promise.all([replica('a'), replica('b')]);
  both = `127.0.0.1:${a.port},127.0.0.1:${b.port}`;
});

afterEach(() => {
  seen.length = 0;
  answer = async (_r, productId) => ({ productId, available: 7 });
});

afterAll(async () => {
  clients.forEach((c) => c.close());
  await Promise.all(servers.map((s) => s.close(500)));
});

describe('@shop/rpc between real servers', () => {
  it('when a client is given both replicas, then its calls are spread round robin over them', async () => {
    answer = async (_r, productId) => ({ productId, available: 7 });
    const c = client(both);
    for (let i = 0; i < 10; i++) expect(await c.call('GetAvailability', { productId: PRODUCT })).toEqual({ productId: PRODUCT, available: 7 });
    expect(seen.filter((r) => r === 'a').length).toBeGreaterThanOrEqual(3);
    expect(seen.filter((r) => r === 'b').length).toBeGreaterThanOrEqual(3);
  });

  it('when the server refuses with a catalogue code, then the caller gets the same AppError (code and status), not retried', async () => {
    answer = async () => {
      throw AppError.notFound('Stock for this product');
    };
    const err = await failureOf(client(both).call('GetAvailability', { productId: PRODUCT }));
    expect(err).toBeInstanceOf(AppError);
    expect({ code: err?.code, status: err?.status, message: err?.message }).toEqual({ code: 'NOT_FOUND', status: 404, message: 'Stock for this product not found' });
    expect(seen).toHaveLength(1);
  });

  it('when the handler throws something unexpected, then the caller gets 503 DEPENDENCY_UNAVAILABLE without the internals', async () => {
    answer = async () => {
      throw new Error('relation "stock" does not exist at secret-host:5432');
    };
    const err = await failureOf(client(both).call('GetAvailability', { productId: PRODUCT }));
    expect({ code: err?.code, status: err?.status }).toEqual({ code: 'DEPENDENCY_UNAVAILABLE', status: 503 });
    expect(err?.message).not.toMatch(/secret-host|relation/);
  });

  it('when one replica says its dependency is down (UNAVAILABLE), then the idempotent read is retried on the other and succeeds', async () => {
    const c = client(both);
    // Both connections up first: round robin picks among the replicas that are connected.
    for (let i = 0; i < 4; i++) await c.call('GetAvailability', { productId: PRODUCT });
    seen.length = 0;
    answer = async (r, productId) => {
      if (r === 'a') throw AppError.unavailable('Postgres');
      return { productId, available: 3 };
    };
    for (let i = 0; i < 6; i++) expect((await c.call('GetAvailability', { productId: PRODUCT })).available).toBe(3);
    expect(seen).toContain('a'); // a was tried, and the retry went to b
    expect(seen.filter((r) => r === 'b')).toHaveLength(6);
  });

  it('when the server takes longer than the deadline, then the call fails with 503 at the deadline, not later', async () => {
    answer = async (_r, productId) => (await sleep(1_500), { productId, available: 1 });
    const started = Date.now();
    const err = await failureOf(client(both, 300).call('GetAvailability', { productId: PRODUCT }));
    const took = Date.now() - started;
    expect(err?.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(1_000);
  });

  it('when nothing listens at the target, then the call is a fast 503 (well inside its 2 s deadline)', async () => {
    const gone = await replica('gone');
    const address = `127.0.0.1:${gone.port}`;
    await gone.close(100);
    const started = Date.now();
    const err = await failureOf(client(address, 2_000).call('GetAvailability', { productId: PRODUCT }));
    expect(err?.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(err?.headers).toEqual({ 'Retry-After': '1' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('when one replica is stopped, then the client keeps answering from the other', async () => {
    const [x, y] = await Promise.all([replica('x'), replica('y')]);
    const c = client(`127.0.0.1:${x.port},127.0.0.1:${y.port}`);
    await c.call('GetAvailability', { productId: PRODUCT });
    await x.close(200);
    seen.length = 0;
    for (let i = 0; i < 6; i++) expect((await c.call('GetAvailability', { productId: PRODUCT })).available).toBe(7);
    expect(new Set(seen)).toEqual(new Set(['y']));
  });
});

describe('shutting down', () => {
  it('when a replica is told to stop right after its twin came back (a rolling reload), then no call fails: it serves on until the client has found the twin', async () => {
    answer = async (_r, productId) => ({ productId, available: 7 });
    let x = await replica('x');
    const y = await replica('y');
    const c = client(`127.0.0.1:${x.port},127.0.0.1:${y.port}`, 2_000);
    await c.call('GetAvailability', { productId: PRODUCT });
    const port = x.port;
    await x.close(100);
    // x restarting: the client keeps calling (answered by y) and its reconnect backoff to x grows.
    for (const until = Date.now() + 4_000; Date.now() < until; await sleep(100)) await failureOf(c.call('GetAvailability', { productId: PRODUCT }));
    x = await replica('x', undefined, port);
    // y is told to stop as soon as x listens, as pm2 does once x says ready.
    const stopping = y.close(500, STOP_LINGER_MS);
    let stopped = false;
    void stopping.then(() => (stopped = true));
    const failed: string[] = [];
    for (const start = Date.now(); !stopped || Date.now() - start < 1_500; await sleep(50)) {
      const err = await failureOf(c.call('GetAvailability', { productId: PRODUCT }));
      if (err) failed.push(`${Date.now() - start} ms: ${err.code}`);
    }
    seen.length = 0;
    expect((await c.call('GetAvailability', { productId: PRODUCT })).available).toBe(7);
    expect(seen).toEqual(['x']);
    expect(failed).toEqual([]);
  }, 20_000);

  it('when a replica is told to stop while a call is in flight, then that call still gets its answer, new connections are refused, and a second close waits for the same end', async () => {
    const s = await replica('stopping');
    const address = `127.0.0.1:${s.port}`;
    const c = client(address, 3_000);
    await c.call('GetAvailability', { productId: PRODUCT });
    answer = async (_r, productId) => (await sleep(300), { productId, available: 9 });
    const inFlight = c.call('GetAvailability', { productId: PRODUCT });
    await sleep(50);
    const [first, second] = [s.close(2_000), s.close(2_000)];
    expect(await inFlight).toEqual({ productId: PRODUCT, available: 9 });
    await Promise.all([first, second]);
    expect(await checkHealth(address, '', 500)).toBe('UNREACHABLE');
  });
});

describe('grpc.health.v1', () => {
  it('when the readiness checks pass, then the server and its API are SERVING; an API it does not serve is unknown', async () => {
    expect(await checkHealth(`127.0.0.1:${a.port}`)).toBe('SERVING');
    expect(await checkHealth(`127.0.0.1:${a.port}`, 'shop.inventory.v1.Stock')).toBe('SERVING');
    expect(await checkHealth(`127.0.0.1:${a.port}`, 'shop.cart.v1.Carts')).toBe('SERVICE_UNKNOWN');
  });

  it('when a readiness check fails, then health turns NOT_SERVING, and SERVING again once it passes', async () => {
    let dbUp = true;
    const s = await replica('flaky', { db: () => { if (!dbUp) throw new Error('db down'); } });
    const address = `127.0.0.1:${s.port}`;
    expect(await checkHealth(address, 'shop.inventory.v1.Stock')).toBe('SERVING');
    dbUp = false;
    await sleep(200);
    expect(await checkHealth(address, 'shop.inventory.v1.Stock')).toBe('NOT_SERVING');
    dbUp = true;
    await sleep(200);
    expect(await checkHealth(address)).toBe('SERVING');
  });

  it('when nothing listens, then the check says UNREACHABLE', async () => {
    const s = await replica('closing');
    await s.close(100);
    expect(await checkHealth(`127.0.0.1:${s.port}`, '', 500)).toBe('UNREACHABLE');
  });
});
