/**
 * Runs once before every jest run. `npm test` brings the stack up first (scripts/test.sh);
 * here we only check that the servers the tests need answer, and say what to do if not.
 */
import { createConnection } from 'node:net';

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

export default async function globalSetup(): Promise<void> {
  const missing: string[] = [];
  for (const [name, port] of needed) if (!(await reachable(port))) missing.push(`${name} (:${port})`);
  if (missing.length > 0) {
    throw new Error(`Not running: ${missing.join(', ')}. Start the stack with \`npm run up\` (or run \`npm test\`, which does).`);
  }
}
