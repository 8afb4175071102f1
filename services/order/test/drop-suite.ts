import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from '@jest/globals';
import { createTestUser, openApiChecker, waitFor, type TestUser } from '@shop/testing';
import { orderDocument } from '../src/http/api.js';
import { api, seedProduct, startOrderService, type Running } from './support.js';

export interface DropOptions {
  units: number;
  cap: number;
  opensInMs?: number;
  admitPerSecond?: number;
  holdSeconds?: number;
}

/**
 * The waiting-room suites' service (polls at most 1 s apart) and admin, made before a suite's
 * first test and closed after its last, and the calls those suites make.
 */
export function dropSuite() {
  const live = {} as { run: Running; admin: TestUser };
  beforeAll(async () => {
    live.run = await startOrderService({ DROP_POLL_MAX_MS: '1000' });
    live.admin = await createTestUser({ roles: ['admin'] });
  });
  afterAll(async () => {
    await live.run?.close();
  });

  const check = openApiChecker(orderDocument());
  const as = (u: TestUser) => api(live.run.url, u.accessToken);

  /** A drop of a new product with `units` in the gate; opens now unless `opensInMs`. */
  async function createDrop(o: DropOptions) {
    const productId = await seedProduct(live.run.service, { units: o.units, cap: o.cap });
    const res = await as(live.admin)('POST', '/api/drops', {
      productId,
      opensAt: new Date(Date.now() + (o.opensInMs ?? 0)).toISOString(),
      admitPerSecond: o.admitPerSecond ?? 100,
      holdSeconds: o.holdSeconds ?? 30,
    });
    expect(res.status).toBe(201);
    check('post', '/api/drops', 201, res.body);
    const drop = res.body as { id: string; fairness: { seedHash: string; seed: string | null } };
    return { productId, id: drop.id, drop };
  }

  const readDrop = async (id: string) => (await fetch(`${live.run.url}/api/drops/${id}`)).json() as Promise<Record<string, unknown>>;
  const waitOpen = (id: string) => waitFor(async () => (await readDrop(id)).status !== 'SCHEDULED', { timeoutMs: 10_000, what: `drop ${id} to open` });
  const join = (u: TestUser, id: string) => as(u)('POST', `/api/drops/${id}/queue`);
  const poll = (u: TestUser, id: string) => as(u)('GET', `/api/drops/${id}/queue/me`);
  const held = (u: TestUser, id: string) => as(u)('GET', `/api/drops/${id}/queue/me/wait`);
  const users = (n: number) => Promise.all(Array.from({ length: n }, () => createTestUser()));
  const order = (u: TestUser, productId: string, quantity: number, headers: Record<string, string> = {}) =>
    as(u)('POST', '/api/orders', { items: [{ productId, quantity }] }, { 'Idempotency-Key': randomUUID(), ...headers });

  /** Polls until the ticket is admitted; the ticket with its admission. */
  const admitted = (u: TestUser, id: string) =>
    waitFor(
      async () => {
        const t = await poll(u, id);
        return t.body.state === 'ADMITTED' ? t.body : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'an admission' },
    );

  return {
    /** Set once the suite's beforeAll has run. */
    get run() {
      return live.run;
    },
    get admin() {
      return live.admin;
    },
    check,
    createDrop,
    readDrop,
    waitOpen,
    join,
    poll,
    held,
    users,
    order,
    admitted,
  };
}
