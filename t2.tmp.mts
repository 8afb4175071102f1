import { ensureRedisCluster } from './packages/testing/src/redis-cluster.ts';
let t = Date.now();
const [a, b] = await Promise.all([ensureRedisCluster(), ensureRedisCluster()]);
console.log(a, b, Date.now() - t, 'ms');
t = Date.now(); console.log(await ensureRedisCluster(), Date.now() - t, 'ms');
