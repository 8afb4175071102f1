import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createLogger } from '@shop/logger';
import { createHttpApp, LISTEN_BACKLOG, startServer } from '@shop/http';

const logger = createLogger('backlog-test', 'silent');
const app = createHttpApp({ name: 'backlog-test', logger, readiness: {}, routes: (a) => a.get('/ping', (_req, res) => void res.json({ ok: true })) });

/** For a listening socket, `ss -ltn` shows the backlog in Send-Q. */
function listenBacklog(port: number): number | undefined {
  try {
    const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim().split('\n')[0];
    return line ? Number(line.trim().split(/\s+/)[2]) : undefined;
  } catch {
    return undefined;
  }
}

describe('a service listener', () => {
  it('when it starts, then it listens with the edge-sized backlog (capped by net.core.somaxconn), not Node default 511', async () => {
    const server = await startServer(app, 0, logger, [], { handleSignals: false });
    try {
      const seen = listenBacklog(server.port);
      if (seen === undefined) return; // no ss here: nothing to read the backlog with
      const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
      expect(seen).toBe(Math.min(LISTEN_BACKLOG, somaxconn));
    } finally {
      await server.close();
    }
  });
});
