import { createRedis } from './packages/cache/src/redis.ts';
async function time(label: string, f: () => Promise<unknown>) {
  const t = Date.now();
  try { const v = await f(); console.log(label, 'ok', JSON.stringify(v)?.slice(0, 80), Date.now() - t, 'ms'); }
  catch (e) { console.log(label, 'ERR', (e as Error).message, Date.now() - t, 'ms'); }
}
const single = createRedis({ url: 'redis://127.0.0.1:6379/1' });
await time('single first', () => single.get('x'));
const cl = createRedis({ url: '', nodes: '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003' });
await time('cluster first 50', () => Promise.all(Array.from({ length: 50 }, (_, i) => cl.set(`k${i}`, i))));
await time('cluster get', () => Promise.all(Array.from({ length: 50 }, (_, i) => cl.get(`k${i}`))));
const deadS = createRedis({ url: 'redis://127.0.0.1:6390/1' });
deadS.on('error', () => {});
await time('dead single first', () => deadS.get('x'));
await new Promise((r) => setTimeout(r, 300));
await time('dead single later', () => deadS.get('x'));
const deadC = createRedis({ url: '', nodes: '127.0.0.1:6391,127.0.0.1:6392' });
deadC.on('error', () => {});
await time('dead cluster first', () => deadC.get('x'));
await new Promise((r) => setTimeout(r, 300));
await time('dead cluster later', () => deadC.get('x'));
await new Promise((r) => setTimeout(r, 2500));
await time('dead cluster much later', () => deadC.get('x'));
for (const c of [single, cl, deadS, deadC]) c.disconnect();
