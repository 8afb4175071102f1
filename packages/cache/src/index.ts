export { createRedis, type RedisClient, type RedisConfig } from './redis.js';
export { Cache, type CacheOptions } from './cache-aside.js';
