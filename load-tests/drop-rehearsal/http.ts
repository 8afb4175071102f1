/** A small keep-alive HTTP client for the rehearsal (node:http, one pool for the whole crowd). */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: Number(process.env.REHEARSAL_SOCKETS ?? 512), keepAliveMsecs: 1_000 });
// Held polls (queue/me/wait) keep a socket each for up to 10 s: their own pool, one socket per waiting buyer,
// so they never queue the crowd's other requests behind them.
const holdAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity, keepAliveMsecs: 1_000 });

export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
  at: number;
}

/** Never throws: a transport error or a timeout is status 0. */
export function call(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown, timeoutMs = 15_000, held = false): Promise<Answer> {
  const started = performance.now();
  const at = Date.now();
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve) => {
    const url = new URL(path, base);
    const req = http.request(
      {
        agent: held ? holdAgent : agent,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...headers },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - started, at });
        });
        res.on('error', () => resolve({ status: 0, body: undefined, ms: performance.now() - started, at }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: undefined, ms: performance.now() - started, at }));
    if (payload) req.write(payload);
    req.end();
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
