/**
 * scripts/queues-to-quorum.ts, which `npm run up` runs once on a broker that still has
 * classic queues: every message survives the move, with its properties, and a second run
 * changes nothing. In a vhost of its own, made and removed here.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import amqp from 'amqplib';

const ROOT = join(import.meta.dirname, '..', '..');
const VHOST = `q2q-${process.pid}`;
const API = 'http://127.0.0.1:15672/api';
const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
const AMQP_URL = `amqp://guest:guest@127.0.0.1:5672/${VHOST}`;
/** A publisher of its own, as a service is: its messages carry `user_id` q2q-sender-<pid>. */
const SENDER = `q2q-sender-${process.pid}`;
const SENDER_URL = `amqp://${SENDER}:${SENDER}@127.0.0.1:5672/${VHOST}`;
const run = promisify(execFile);

async function api(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${API}${path}`, { method, headers: { authorization: AUTH, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok && res.status !== 404) throw new Error(`${method} ${path}: ${res.status}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

const script = (...args: string[]) =>
  run(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'queues-to-quorum.ts'), ...args], { cwd: ROOT, env: { ...process.env, AMQP_URL } });

beforeAll(async () => {
  await api('PUT', `/vhosts/${VHOST}`);
  await api('PUT', `/permissions/${VHOST}/guest`, { configure: '.*', write: '.*', read: '.*' });
  await api('PUT', `/users/${SENDER}`, { password: SENDER, tags: '' });
  await api('PUT', `/permissions/${VHOST}/${SENDER}`, { configure: '', write: '.*', read: '' });
});
afterAll(async () => {
  await api('DELETE', `/vhosts/${VHOST}`);
  await api('DELETE', `/users/${SENDER}`);
});

describe('queues-to-quorum', () => {
  it('when a classic queue holding messages is parked, redeclared as quorum and restored, then every message is back with its properties', async () => {
    const conn = await amqp.connect(AMQP_URL);
    try {
      const ch = await conn.createConfirmChannel();
      await ch.assertQueue('shop.q', { durable: true });
      for (let i = 0; i < 5; i++) ch.sendToQueue('shop.q', Buffer.from(`m${i}`), { persistent: true, messageId: `id-${i}`, headers: { 'x-retry-count': i } });
      await ch.waitForConfirms();
      // As a service publishes: consumers judge the sender by user_id, which the broker vouches for.
      const sender = await amqp.connect(SENDER_URL);
      const sch = await sender.createConfirmChannel();
      sch.sendToQueue('shop.q', Buffer.from('m5'), { persistent: true, messageId: 'id-5', userId: SENDER, headers: { 'x-retry-count': 5 } });
      await sch.waitForConfirms();
      await sender.close();

      await script('park', 'shop.q');
      await script('park'); // nothing named: nothing to do
      await ch.assertQueue('shop.q', { durable: true, arguments: { 'x-queue-type': 'quorum' } }); // what a service does on start
      await script('restore');
      await script('restore'); // idempotent: no backlog left

      const queues = (await api('GET', `/queues/${VHOST}?columns=name,type`)) as Array<{ name: string; type: string }>;
      expect(queues.map((q) => [q.name, q.type])).toEqual([['shop.q', 'quorum']]);
      const got: Array<[string, string | undefined, unknown, unknown]> = [];
      for (let msg = await ch.get('shop.q', { noAck: true }); msg; msg = await ch.get('shop.q', { noAck: true })) {
        got.push([msg.content.toString(), msg.properties.messageId, msg.properties.headers?.['x-retry-count'], msg.properties.userId]);
      }
      expect(got).toEqual([...[0, 1, 2, 3, 4].map((i) => [`m${i}`, `id-${i}`, i, undefined]), ['m5', 'id-5', 5, SENDER]]);
      // The mover was made for the run and is gone.
      const users = (await api('GET', '/users?columns=name')) as Array<{ name: string }>;
      expect(users.map((u) => u.name).filter((n) => n.startsWith('queues-to-quorum'))).toEqual([]);
      await ch.close();
    } finally {
      await conn.close();
    }
  });
});
