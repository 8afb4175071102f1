import { describe, it, expect, beforeAll, beforeEach, afterAll } from '@jest/globals';
import { createHash } from 'node:crypto';
import { evalScript, type RedisClient } from '../src/index.js';
import { closeAll, connect, masters, topologies } from './topologies.js';

const A = 'gate:{stock}:a';
const B = 'gate:{stock}:b';
// Moves ARGV[1] units from KEYS[1] to KEYS[2] only if KEYS[1] has them: both or neither.
const MOVE = `
local from = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = tonumber(ARGV[1])
if from < n then return 0 end
redis.call('DECRBY', KEYS[1], n)
redis.call('INCRBY', KEYS[2], n)
return 1`;
const move = (redis: RedisClient, n = 1) => evalScript<number>(redis, { name: 'move', lua: MOVE, keys: [A, B], args: [n] });

describe.each(topologies)('evalScript against %s', (_name, makeConfig) => {
  let redis: RedisClient;

  beforeAll(async () => {
    redis = connect(await makeConfig());
  });
  beforeEach(async () => {
    await redis.del(A, B); // one slot, so one DEL is fine on the cluster too
  });
  afterAll(async () => {
    await redis.del(A, B);
    await closeAll([redis]);
  });

  it('when many scripts race on two keys of one hash tag, then each runs atomically and no unit is lost', async () => {
    await redis.set(A, '5');
    const results = await Promise.all(Array.from({ length: 12 }, () => move(redis)));
    expect(results.filter((r) => r === 1)).toHaveLength(5);
    expect(await redis.mget(A, B)).toEqual(['0', '5']);
  });

  it('when the node has forgotten the script (NOSCRIPT), then it falls back to EVAL and caches it again', async () => {
    await redis.set(A, '3');
    const sha = createHash('sha1').update(MOVE).digest('hex');
    await move(redis); // loaded now
    await Promise.all(masters(redis).map((n) => n.script('FLUSH')));
    await expect(move(redis)).resolves.toBe(1);
    const owner = masters(redis).length === 1 ? redis : await ownerOf(redis, A);
    expect(await owner.script('EXISTS', sha)).toEqual([1]);
    expect(await redis.mget(A, B)).toEqual(['1', '2']);
  });

  it('when keys do not share a hash tag, then it refuses before reaching Redis, on every topology', async () => {
    await expect(evalScript(redis, { name: 'cross', lua: MOVE, keys: ['gate:{stock}:a', 'gate:{other}:b'], args: [1] })).rejects.toThrow(
      /share one hash tag/,
    );
    await expect(evalScript(redis, { name: 'untagged', lua: MOVE, keys: ['stock:a', 'stock:b'], args: [1] })).rejects.toThrow(/hash tag/);
  });

  it('when the script itself fails, then the error reaches the caller', async () => {
    await expect(evalScript(redis, { name: 'broken', lua: `return redis.call('NOPE')`, keys: [A] })).rejects.toThrow(/NOPE|Unknown/i);
  });
});

/** The master that serves a key's slot. */
async function ownerOf(redis: RedisClient, key: string): Promise<RedisClient> {
  for (const node of masters(redis)) {
    try {
      await node.get(key); // a MOVED error unless this node owns the slot
      return node;
    } catch {
      // not this one
    }
  }
  throw new Error(`no master owns ${key}`);
}
