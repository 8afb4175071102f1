/**
 * Runs once before every jest run. `npm test` brings the stack up first (scripts/test.sh);
 * here we only check that the servers the tests need answer, and say what to do if not.
 */
import { execFile } from 'node:child_process';
import { createConnection } from 'node:net';
import { promisify } from 'node:util';
// Imported by path: jest loads global setup outside its ESM pipeline, where .js -> .ts mapping does not apply.
import { TEST_VHOSTS } from '../packages/testing/src/test-env.ts';

const needed: Array<[string, number]> = [
  ['Postgres', 5432],
  ['Redis', 6379],
  ['RabbitMQ', 5672],
];

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port, timeout: 1_000 });
    socket.once('connect', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const RABBIT_API = process.env.RABBIT_API ?? 'http://127.0.0.1:15672/api';
const RABBIT_AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;

async function rabbit(method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${RABBIT_API}${path}`, {
    method,
    headers: { authorization: RABBIT_AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok && res.status !== 404) throw new Error(`RabbitMQ ${method} ${path}: ${res.status} ${await res.text()}`);
}

/**
 * `npm test` (FRESH_TEST_VHOSTS=1) starts from empty test vhosts: no queue, no message left
 * over from an earlier run. A bare jest run only makes missing ones, so that it cannot pull
 * the vhost from under another jest run working beside it.
 */
async function freshVhosts(root: string): Promise<void> {
  for (const vhost of TEST_VHOSTS) {
    const name = encodeURIComponent(vhost);
    if (process.env.FRESH_TEST_VHOSTS === '1') await rabbit('DELETE', `/vhosts/${name}`);
    await rabbit('PUT', `/vhosts/${name}`);
    await rabbit('PUT', `/permissions/${name}/guest`, { configure: '.*', write: '.*', read: '.*' });
    await dropClassicQueues(name);
  }
  await grantServiceUsers(root);
}

/**
 * The services connect to their test vhosts as their own broker users, with exactly the
 * rights they have on the stack's vhost (scripts/broker-setup.ts, the same code as
 * `npm run up`); guest stays the tests' administrator there.
 */
async function grantServiceUsers(root: string): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/broker-setup.ts', ...TEST_VHOSTS.flatMap((v) => ['--vhost', v])], {
      cwd: root,
      env: { ...process.env, RABBIT_API },
      timeout: 60_000,
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`granting the services' broker users on the test vhosts failed: ${e.stderr || e.message}`);
  }
}

/**
 * @shop/messaging declares quorum queues, and a broker refuses to redeclare a queue with
 * another type, so a test vhost left over from the classic-queue days would fail every
 * consumer. A bare jest run (no fresh vhosts) drops those leftovers; they hold test data only.
 */
async function dropClassicQueues(vhost: string): Promise<void> {
  const res = await fetch(`${RABBIT_API}/queues/${vhost}?columns=name,type,durable,exclusive,auto_delete`, { headers: { authorization: RABBIT_AUTH } });
  if (!res.ok) return;
  const queues = (await res.json()) as Array<{ name: string; type?: string; durable: boolean; exclusive: boolean; auto_delete: boolean }>;
  for (const q of queues) {
    if ((q.type ?? 'classic') === 'classic' && q.durable && !q.exclusive && !q.auto_delete) {
      await rabbit('DELETE', `/queues/${vhost}/${encodeURIComponent(q.name)}`);
    }
  }
}

export default async function globalSetup(globalConfig: { rootDir: string }): Promise<void> {
  const missing: string[] = [];
  for (const [name, port] of needed) if (!(await reachable(port))) missing.push(`${name} (:${port})`);
  if (missing.length > 0) {
    throw new Error(`Not running: ${missing.join(', ')}. Start the stack with \`npm run up\` (or run \`npm test\`, which does).`);
  }
  await freshVhosts(globalConfig.rootDir);
}
