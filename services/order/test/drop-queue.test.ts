import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { TestUser } from '@shop/testing';
import { shuffleTickets } from '../src/domain/drop-fairness.js';
import { openDrop } from '../src/domain/open-drop.js';
import { keysOf as dropKeysOf } from '../src/gate/redis-drop-queue.js';
import { idempotencyMarkerKey } from '../src/gate/redis-sale-gate.js';
import { api, gateUnits, seedProduct, sleep } from './support.js';
import { dropSuite } from './drop-suite.js';

const suite = dropSuite();
const { check, createDrop, readDrop, waitOpen, join, poll, users, order, admitted } = suite;
const ordersOf = async (userId: string) => Number((await suite.run.service.db('orders').where('user_id', userId).count({ n: '*' }))[0].n);
const keysOf = async (userId: string) => Number((await suite.run.service.db('idempotency_keys').where('user_id', userId).count({ n: '*' }))[0].n);

// The drop scripts read Redis' clock (TIME). A test that must not depend on how fast the machine
// is moves that clock for one drop instead of sleeping until it gets there.
async function redisNow(): Promise<number> {
  const [s, us] = await suite.run.service.redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

/** The drop opens now: its opensAt in Redis set to Redis' clock, then the opener every replica runs. */
async function openNow(id: string) {
  const s = suite.run.service;
  await s.redis.hset(dropKeysOf(id)[0], 'opensAt', String(await redisNow()));
  const record = await s.drops.records.find(id);
  const deps = { records: s.drops.records, products: s.drops.products, queue: s.drops.queue, units: (p: string) => s.gate.units(p), defaultCap: s.config.MAX_PER_CUSTOMER, logger: s.logger };
  expect(await openDrop(deps, record!)).toBe('opened');
}

/** A buyer's hold runs out now (its expiry in the holds set moved to Redis' clock). */
async function expireHold(id: string, userId: string) {
  expect(await suite.run.service.redis.zadd(dropKeysOf(id)[3], 'XX', 'CH', (await redisNow()) - 1, userId)).toBe(1);
}

describe('POST /api/drops', () => {
  it('when a customer schedules a drop, then 403; when the body is bad, then 400', async () => {
    const [buyer] = await users(1);
    const productId = await seedProduct(suite.run.service, { units: 1 });
    const body = { productId, opensAt: new Date().toISOString(), admitPerSecond: 10, holdSeconds: 30 };
    expect((await api(suite.run.url, buyer.accessToken)('POST', '/api/drops', body)).status).toBe(403);
    const bad = await api(suite.run.url, suite.admin.accessToken)('POST', '/api/drops', { ...body, admitPerSecond: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('the waiting room', () => {
  it('when buyers join before the open, then one ticket per account, the order is the published shuffle, and FIFO after the open', async () => {
    // Opens only when the test says so (openNow), and no hold runs out unless told (expireHold):
    // nothing here depends on how long a step takes.
    const [early, late] = await Promise.all([users(5), users(3)]);
    const { productId, drop } = await createDrop({ units: 2, cap: 1, opensInMs: 3_600_000, holdSeconds: 600 });
    expect(drop.fairness.seed).toBeNull();
    const tickets = new Map<string, string>();
    for (const u of early) {
      const t = await join(u, drop.id);
      expect(t.status).toBe(200);
      check('post', '/api/drops/{id}/queue', 200, t.body);
      expect(t.body).toMatchObject({ state: 'WAITING', position: null, preQueue: true });
      expect(t.body.pollAfterMs).toBeGreaterThan(0);
      tickets.set(t.body.ticketId, u.id);
    }
    // Joining again returns the same ticket, and the queue still counts one per account.
    const again = await join(early[0], drop.id);
    expect(again.body.ticketId).toBe([...tickets.keys()][0]);
    expect((await readDrop(drop.id)).queueLength).toBe(5);

    await openNow(drop.id);
    for (const u of late) expect((await join(u, drop.id)).body.preQueue).toBe(false);

    // The seed matches the commitment, and the order recomputes from seed + ticket list.
    const fair = (await (await fetch(`${suite.run.url}/api/drops/${drop.id}/fairness`)).json()) as { seed: string; tickets: string[]; order: string[] };
    expect(createHash('sha256').update(fair.seed).digest('hex')).toBe(drop.fairness.seedHash);
    expect(fair.tickets).toEqual([...tickets.keys()].sort());
    const expected = shuffleTickets(fair.seed, [...tickets.keys()]);
    expect(fair.order).toEqual(expected);
    expect((await readDrop(drop.id)).fairness).toMatchObject({ seed: fair.seed });

    // Two units, cap 1: the first two of the shuffle hold them; the rest wait in shuffle, then join, order.
    // (Admissions come from a bucket that starts with one token and refills at 100/s: the second
    // may take a poll or two.)
    const byId = new Map([...early, ...late].map((u) => [u.id, u]));
    const ranked = [...expected.map((t) => byId.get(tickets.get(t)!)!), ...late];
    for (const [i, u] of ranked.entries()) {
      const t = i < 2 ? await admitted(u, drop.id) : (await poll(u, drop.id)).body;
      check('get', '/api/drops/{id}/queue/me', 200, t);
      if (i < 2) expect(t).toMatchObject({ state: 'ADMITTED', admission: { number: i + 1, quantity: 1, used: false } });
      else expect(t).toMatchObject({ state: 'WAITING', position: i - 1 });
    }

    // The first orders; the second lets the hold expire: the third in line is admitted.
    const first = await poll(ranked[0], drop.id);
    expect((await order(ranked[0], productId, 1, { 'X-Admission-Token': first.body.admission.token })).status).toBe(202);
    expect((await poll(ranked[2], drop.id)).body).toMatchObject({ state: 'WAITING', position: 1 });
    await expireHold(drop.id, ranked[1].id);
    const third = await admitted(ranked[2], drop.id);
    expect(third.admission).toMatchObject({ number: 3, quantity: 1 });
    expect(Date.parse(third.admission.expiresAt)).toBeGreaterThan(Date.now());
    expect((await poll(ranked[1], drop.id)).body.state).toBe('EXPIRED');
    expect((await poll(ranked[3], drop.id)).body).toMatchObject({ state: 'WAITING', position: 1 });
  }, 60_000);

  it('when an admitted buyer orders fewer units than held, then the rest admit the next buyer at once', async () => {
    const { productId, drop } = await createDrop({ units: 3, cap: 2, admitPerSecond: 50 });
    await waitOpen(drop.id);
    const [a, b, c] = await users(3);
    for (const u of [a, b, c]) await join(u, drop.id);
    const ta = await admitted(a, drop.id);
    const tb = await admitted(b, drop.id);
    expect(ta.admission.quantity).toBe(2);
    expect(tb.admission.quantity).toBe(1);
    expect((await poll(c, drop.id)).body.state).toBe('WAITING');
    expect((await order(a, productId, 1, { 'X-Admission-Token': ta.admission.token })).status).toBe(202);
    const tc = await admitted(c, drop.id);
    expect(tc.admission.quantity).toBe(1);
  }, 30_000);

  it('when the last unit sells, then waiting tickets read SOLD_OUT; when that order is cancelled, the next is admitted', async () => {
    const { productId, drop } = await createDrop({ units: 1, cap: 1 });
    await waitOpen(drop.id);
    const [a, b, c] = await users(3);
    for (const u of [a, b, c]) await join(u, drop.id);
    const ta = await admitted(a, drop.id);
    const placed = await order(a, productId, 1, { 'X-Admission-Token': ta.admission.token });
    expect(placed.status).toBe(202);
    for (const u of [b, c]) expect((await poll(u, drop.id)).body).toMatchObject({ state: 'SOLD_OUT' });
    expect(await readDrop(drop.id)).toMatchObject({ status: 'SOLD_OUT', unitsLeft: 0 });

    expect((await api(suite.run.url, a.accessToken)('POST', `/api/orders/${placed.body.id}/cancel`)).status).toBe(200);
    const tb = await admitted(b, drop.id);
    expect(tb.admission.quantity).toBe(1);
    expect((await poll(c, drop.id)).body).toMatchObject({ state: 'WAITING', position: 1 });
  }, 30_000);
});

describe('POST /api/orders while a drop is open: no way around the queue', () => {
  it('when the token is missing, forged, another buyer\'s, reused or expired, then 403 ADMISSION_REQUIRED and nothing is created', async () => {
    // A hold that outlasts the test (a 2 s one ran out mid-test on a busy machine, and the
    // replay's token with it); the expiry is checked below on a drop of its own.
    const { productId, drop } = await createDrop({ units: 10, cap: 1, holdSeconds: 600 });
    await waitOpen(drop.id);
    const [a, b] = await users(2);
    for (const u of [a, b]) await join(u, drop.id);
    const ta = await admitted(a, drop.id);
    const before = await gateUnits(suite.run.service, productId);

    const refused = async (u: TestUser, headers: Record<string, string>, product = productId) => {
      const key = randomUUID();
      const res = await order(u, product, 1, { ...headers, 'Idempotency-Key': key });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('ADMISSION_REQUIRED');
      check('post', '/api/orders', 403, res.body);
      // Nothing in Postgres, and not even the idempotency marker in Redis.
      expect(await suite.run.service.redis.exists(idempotencyMarkerKey(u.id, key))).toBe(0);
    };
    await refused(b, {});
    await refused(b, { 'X-Admission-Token': 'not.a.token' });
    await refused(b, { 'X-Admission-Token': ta.admission.token });
    expect(await ordersOf(b.id)).toBe(0);
    expect(await keysOf(b.id)).toBe(0);

    // Used once; the same key replays; another key is a reuse.
    const key = randomUUID();
    const first = await order(a, productId, 1, { 'X-Admission-Token': ta.admission.token, 'Idempotency-Key': key });
    expect(first.status).toBe(202);
    const replay = await order(a, productId, 1, { 'X-Admission-Token': ta.admission.token, 'Idempotency-Key': key });
    expect(replay.status).toBe(202);
    expect(replay.body.id).toBe(first.body.id);
    await refused(a, { 'X-Admission-Token': ta.admission.token });
    expect(await ordersOf(a.id)).toBe(1);
    expect(await gateUnits(suite.run.service, productId)).toBe(before! - 1);

    // The hold and its token end together: a 2 s hold, waited out (however slow the steps before).
    const short = await createDrop({ units: 1, cap: 1, holdSeconds: 2 });
    await waitOpen(short.drop.id);
    const [c] = await users(1);
    await join(c, short.drop.id);
    const tc = await admitted(c, short.drop.id);
    await sleep(Math.max(0, Date.parse(tc.admission.expiresAt) - Date.now()) + 500);
    await refused(c, { 'X-Admission-Token': tc.admission.token }, short.productId);
    expect(await ordersOf(c.id)).toBe(0);
  }, 60_000);

  it('when an admitted buyer orders the last unit, then the claimed hold stands for the pre-check and the marker: none is written, and a retry with the same key replays the order though the gate reads 0', async () => {
    const { productId, drop } = await createDrop({ units: 1, cap: 1, holdSeconds: 600 });
    await waitOpen(drop.id);
    const [a] = await users(1);
    await join(a, drop.id);
    const ta = await admitted(a, drop.id);
    const key = randomUUID();
    const headers = { 'X-Admission-Token': ta.admission.token, 'Idempotency-Key': key };
    const first = await order(a, productId, 1, headers);
    expect(first.status).toBe(202);
    expect(await suite.run.service.redis.exists(idempotencyMarkerKey(a.id, key))).toBe(0);
    expect(await gateUnits(suite.run.service, productId)).toBe(0);
    const replay = await order(a, productId, 1, headers);
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    expect(await ordersOf(a.id)).toBe(1);
  }, 30_000);

  it('when a product has no drop, then orders need no admission token', async () => {
    const [u] = await users(1);
    const productId = await seedProduct(suite.run.service, { units: 5 });
    expect((await order(u, productId, 1)).status).toBe(202);
  });
});
