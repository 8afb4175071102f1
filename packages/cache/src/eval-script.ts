import { createHash } from 'node:crypto';
import type { RedisClient } from './redis.js';

export interface LuaScript {
  /** For error messages. */
  name: string;
  lua: string;
  keys: string[];
  args?: Array<string | number>;
}

const shas = new Map<string, string>();

function sha1(lua: string): string {
  let sha = shas.get(lua);
  if (!sha) shas.set(lua, (sha = createHash('sha1').update(lua).digest('hex')));
  return sha;
}

/**
 * The one way to name a Redis key that a script may touch together with others:
 * `<namespace>:{<tag>}:<part>:...`. Redis Cluster hashes only `{<tag>}`, so keys with the
 * same tag share a slot (and a script may touch them together), and keys with different
 * tags spread over the cluster's nodes. Tag by the thing a script works on as one unit:
 * a product (`p:<id>`: its sale-gate counter), a drop (`drop:<id>`: its queue, tickets and
 * holds), a user (`u:<id>`: idempotency markers). Never one tag for a whole feature: that
 * piles every key of it, and every request of a drop, on one node.
 */
export function slotKey(namespace: string, tag: string, ...parts: string[]): string {
  if (!tag || /[{}]/.test(tag)) throw new Error(`slotKey: a hash tag must be non-empty and free of braces, got ${JSON.stringify(tag)}`);
  return [`${namespace}:{${tag}}`, ...parts].join(':');
}

/** The part of a key Redis Cluster hashes: the first non-empty `{...}`, else the whole key. */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/**
 * Runs a Lua script atomically: EVALSHA, and EVAL only when the node answers NOSCRIPT
 * (a restart, a failover, SCRIPT FLUSH, or a Cluster node seeing the script first).
 *
 * On a Redis Cluster a script runs on one node, so every key it touches must live in
 * one slot: give them a common hash tag (slotKey), e.g. `drop:{drop:1}:q` and `drop:{drop:1}:t`.
 * This is checked here on every topology (keys with more than one hash tag are
 * refused), so a script that would fail with CROSSSLOT on the Cluster fails the same
 * way against a single node in development. The script must also touch only the keys
 * it is given in KEYS.
 */
export async function evalScript<T = unknown>(redis: RedisClient, script: LuaScript): Promise<T> {
  const { name, lua, keys, args = [] } = script;
  const prefix = typeof redis.options.keyPrefix === 'string' ? redis.options.keyPrefix : '';
  const tags = new Set(keys.map((k) => hashTag(prefix + k)));
  if (tags.size > 1) {
    throw new Error(`script ${name}: keys must share one hash tag so they live in one Cluster slot, got ${keys.join(', ')}`);
  }
  try {
    return (await redis.evalsha(sha1(lua), keys.length, ...keys, ...args)) as T;
  } catch (err) {
    if (!(err as Error).message?.includes('NOSCRIPT')) throw err;
    return (await redis.eval(lua, keys.length, ...keys, ...args)) as T;
  }
}
