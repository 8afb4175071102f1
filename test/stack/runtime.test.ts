/**
 * What the running native stack is made of (npm run up): every replica REPLICAS asks for,
 * on Node 24 LTS, running the compiled services, reaching Postgres through PgBouncer, with
 * quorum queues on the broker, each service connected to it as its own user.
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { REPLICAS, replicaPorts } from '../stack.js';

const SERVICES = ['user', 'product', 'cart', 'order', 'inventory', 'email'];
const eco = createRequire(import.meta.url)('../../ecosystem.config.cjs') as { apps: Array<{ name: string; env?: { DATABASE_URL?: string } }> };
const external = process.env.STACK_EXTERNAL_INFRA === '1';

async function metric(port: number, name: string): Promise<string | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  return text.split('\n').find((l) => l.startsWith(name));
}

describe('the running stack', () => {
  it('when the stack runs, then every replica of every service answers ready, on Node 22 or newer', async () => {
    for (const name of SERVICES) {
      for (const port of replicaPorts(name)) {
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(5_000) });
        expect({ name, port, status: ready.status }).toEqual({ name, port, status: 200 });
        const major = Number(/major="(\d+)"/.exec((await metric(port, 'nodejs_version_info')) ?? '')?.[1]);
        expect({ name, port, node22plus: major >= 22 }).toEqual({ name, port, node22plus: true });
      }
    }
    expect(replicaPorts('order')).toHaveLength(REPLICAS);
  });

  it('when a replica runs, then it runs its compiled JavaScript (dist/main.js), not its TypeScript through tsx', () => {
    for (const name of SERVICES) {
      for (const port of replicaPorts(name)) {
        const listener = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
        const pid = Number(/pid=(\d+)/.exec(listener)?.[1]);
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        expect({ name, port, compiled: command.includes(`services/${name}/dist/main.js`), tsx: /\btsx\b|\.ts\b/.test(command) }).toEqual({ name, port, compiled: true, tsx: false });
      }
    }
  });

  it('when a replica opens its database, then it goes through PgBouncer (unless the servers are external)', () => {
    for (const app of eco.apps.filter((a) => a.env?.DATABASE_URL)) {
      expect({ app: app.name, port: new URL(app.env!.DATABASE_URL!).port }).toEqual({ app: app.name, port: external ? '5432' : '6432' });
    }
  });

  it('when the platform declared its queues, then every one of them is a quorum queue', async () => {
    const auth = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
    const res = await fetch('http://127.0.0.1:15672/api/queues/%2F?columns=name,type,durable,exclusive,auto_delete', { headers: { authorization: auth } });
    const queues = (await res.json()) as Array<{ name: string; type: string; durable: boolean; exclusive: boolean }>;
    const ours = queues.filter((q) => q.durable && !q.exclusive && !q.name.startsWith('amq.'));
    expect(ours.length).toBeGreaterThan(10);
    expect(ours.filter((q) => q.type !== 'quorum').map((q) => q.name)).toEqual([]);
  });

  it('when the replicas are connected to the broker, then each as its own service user without tags, none as guest', async () => {
    const auth = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
    const get = async <T>(path: string) => (await (await fetch(`http://127.0.0.1:15672/api${path}`, { headers: { authorization: auth } })).json()) as T;
    const connections = await get<Array<{ user: string; vhost: string; client_properties?: { connection_name?: string } }>>('/connections?columns=user,vhost,client_properties');
    const replicas = SERVICES.flatMap((name) => Array.from({ length: REPLICAS }, (_, i) => ({ name, instance: `${name}-${i + 1}` })));
    for (const { name, instance } of replicas) {
      const users = [...new Set(connections.filter((c) => c.vhost === '/' && c.client_properties?.connection_name === instance).map((c) => c.user))];
      expect({ instance, users }).toEqual({ instance, users: [name] });
    }
    for (const name of SERVICES) {
      const user = await get<{ name: string; tags: string[] | string }>(`/users/${name}`);
      expect({ name, tags: user.tags }).toEqual({ name, tags: Array.isArray(user.tags) ? [] : '' });
    }
  });
});
