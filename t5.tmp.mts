import { createRedis } from './packages/cache/src/redis.ts';
const kind = process.argv[2];
const c = kind === 'cluster' ? createRedis({ url: '', nodes: '127.0.0.1:6391,127.0.0.1:6392' }) : kind === 'okcluster' ? createRedis({ url: '', nodes: '127.0.0.1:7001' }) : createRedis({ url: 'redis://127.0.0.1:6390' });
c.on('error', () => {});
await c.get('x').catch(() => {});
await new Promise(r => setTimeout(r, 300));
const t = Date.now();
await c.quit().catch((e) => { console.log('quit rejected', e.message); c.disconnect(); });
console.log(kind, 'quit done', Date.now() - t, c.status);
