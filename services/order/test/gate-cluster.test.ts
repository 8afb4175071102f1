/**
 * The sale gate on a real Redis Cluster (ports 7001-7003, started by the tests): each
 * product's counter lives in its own slot, so a drop's hot products spread over the
 * masters, and orders of several products (several slots) still take all or nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRedis, hashTag, type RedisClient } from '@shop/cache';
import { createLogger } from '@shop/logger';
import { ensureRedisCluster } from '@shop/testing';
import { gateKey, idempotencyMarkerKey, RedisSaleGate } from '../src/gate/redis-sale-gate.js';

let redis: RedisClient;
let gate: RedisSaleGate;
const stock = new Map<string, number>();

beforeAll(async () => {
  redis = createRedis({ url: '', nodes: await ensureRedisCluster() });
  gate = new RedisSaleGate(redis, { available: async (id: string) => stock.get(id) }, createLogger('gate-cluster-test', 'silent'));
});
afterAll(async () => {
  await redis.quit();
});

const product = (units: number): string => {
  const id = randomUUID();
  stock.set(id, units);
  return id;
};

describe('the sale gate on a Redis Cluster', () => {
  it('when products are many, then their counters and the buyers\' markers spread over slots and masters instead of one', async () => {
    const ids = Array.from({ length: 30 }, () => randomUUID());
    expect(new Set(ids.map((id) => hashTag(gateKey(id)))).size).toBe(30);
    expect(new Set(ids.map((id) => hashTag(idempotencyMarkerKey(id, 'k')))).size).toBe(30);
    const slots = await Promise.all(ids.map((id) => redis.call('CLUSTER', 'KEYSLOT', gateKey(id)) as Promise<number>));
    expect(new Set(slots).size).toBeGreaterThan(25);
    // Each master owns a third of the slots: 30 products land on all three.
    const ranges = (await redis.call('CLUSTER', 'SLOTS')) as Array<[number, number]>;
    const owners = new Set(slots.map((slot) => ranges.findIndex(([from, to]) => slot >= from && slot <= to)));
    expect(owners.size).toBeGreaterThanOrEqual(3);
  });

  it('when an order of three products finds the last short, then nothing is taken from any of them', async () => {
    const [a, b, c] = [product(5), product(5), product(1)];
    expect(await gate.take([{ productId: a, quantity: 1 }])).toEqual({ outcome: 'passed' });
    const result = await gate.take([
      { productId: a, quantity: 2 },
      { productId: b, quantity: 2 },
      { productId: c, quantity: 2 },
    ]);
    expect(result).toEqual({ outcome: 'sold_out', productId: c });
    expect(await Promise.all([a, b, c].map((id) => gate.units(id)))).toEqual([4, 5, 1]);
  });

  it('when 30 single-unit orders race for 10 units of one product, then exactly 10 pass', async () => {
    const id = product(10);
    const results = await Promise.all(Array.from({ length: 30 }, () => gate.take([{ productId: id, quantity: 1 }])));
    expect(results.filter((r) => r.outcome === 'passed')).toHaveLength(10);
    expect(await gate.units(id)).toBe(0);
  });

  it('when a key was marked, then the pre-check knows it, whatever slot its products are in', async () => {
    const [a, b] = [product(3), product(3)];
    const user = randomUUID();
    expect(await gate.preCheck(user, 'key-1', [{ productId: a, quantity: 1 }, { productId: b, quantity: 1 }])).toEqual({ outcome: 'go' });
    await gate.take([{ productId: a, quantity: 3 }]);
    await gate.units(b); // seeded: both counters known, a is short
    expect(await gate.preCheck(user, 'key-1', [{ productId: a, quantity: 1 }, { productId: b, quantity: 1 }])).toEqual({ outcome: 'sold_out', productId: a });
    expect(await gate.markKey(user, 'key-1', 60)).toBe(true);
    expect(await gate.preCheck(user, 'key-1', [{ productId: a, quantity: 1 }])).toEqual({ outcome: 'known' });
  });
});
