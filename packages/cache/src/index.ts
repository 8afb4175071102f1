export { breakerFor, createRedis, parseRedisNodes, type RedisBreaker, type RedisClient, type RedisConfig } from './redis.js';
export { Cache, type CacheOptions } from './cache-aside.js';
export { evalScript, hashTag, slotKey, type LuaScript } from './eval-script.js';
