import { describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { createLogger } from '@shop/logger';
import { createHttpApp, startServer } from '@shop/http';

const logger = createLogger('drain-test', 'silent');
const app = createHttpApp({ name: 'drain-test', logger, readiness: {}, routes: (a) => a.get('/ping', (_req, res) => void res.json({ ok: true })) });

/** One GET on a keep-alive agent, as nginx's upstream pool sends it. */
function get(port: number): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/ping', headers: { connection: 'keep-alive' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a replica told to stop', () => {
  it('when it closes with a drain, then it keeps answering meanwhile, each answer closing its connection, and refuses connections after', async () => {
    const server = await startServer(app, 0, logger, [], { handleSignals: false });
    expect((await get(server.port)).connection).toBe('keep-alive');
    const closed = server.close(400);
    await new Promise((r) => setTimeout(r, 100));
    expect(await get(server.port)).toEqual({ status: 200, connection: 'close' });
    await closed;
    await expect(get(server.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
