export { createRedis, parseRedisNodes, type RedisClient, type RedisConfig } from './redis.js';
export { breakerFor, isRedisUnavailable, RedisUnavailableError, DEGRADE_DEADLINE_MS, type RedisBreaker } from './breaker.js';
export { Cache, type CacheOptions } from './cache-aside.js';
export { evalScript, hashTag, slotKey, type LuaScript } from './eval-script.js';
