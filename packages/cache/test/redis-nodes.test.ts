import { describe, expect, it } from '@jest/globals';
import { baseEnv } from '@shop/config';
import { parseRedisNodes } from '../src/index.js';

const env = { SERVICE_NAME: 'x', DATABASE_URL: 'postgres://u:p@db:5432/x' };

describe('REDIS_NODES', () => {
  it('when the list mixes host:port and redis://host:port, then both parse to the same seed nodes', () => {
    expect(parseRedisNodes('redis-node-1:6379, redis://redis-node-2:6380,redis://10.0.0.3:6381/')).toEqual([
      { host: 'redis-node-1', port: 6379 },
      { host: 'redis-node-2', port: 6380 },
      { host: '10.0.0.3', port: 6381 },
    ]);
    expect(baseEnv.parse({ ...env, REDIS_NODES: 'a:1,redis://b:2' }).REDIS_NODES).toBe('a:1,redis://b:2');
  });

  it('when REDIS_NODES is empty, then it counts as unset (one node)', () => {
    expect(baseEnv.parse({ ...env, REDIS_NODES: '' }).REDIS_NODES).toBeUndefined();
  });

  it('when an entry has no port or another scheme, then the config refuses it', () => {
    for (const bad of ['redis-node-1', 'http://a:1', 'a:1,,b:2', 'a:x']) {
      expect({ bad, ok: baseEnv.safeParse({ ...env, REDIS_NODES: bad }).success }).toEqual({ bad, ok: false });
    }
    expect(() => parseRedisNodes('http://a:1')).toThrow(/REDIS_NODES/);
  });
});
