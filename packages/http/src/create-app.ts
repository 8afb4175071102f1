import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from '@shop/logger';
import type { LeanLane } from './lean-lane.js';
import { requestId } from './request-id.js';
import { requestLog, SLOW_REQUEST_MS } from './request-log.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { enableDefaultMetrics, httpMetrics, metricsRegistry } from './metrics.js';

/** Named checks for /health/ready; each throws (or rejects) when its dependency is not usable. */
export type ReadinessChecks = Record<string, () => Promise<unknown> | unknown>;

export interface HttpAppOptions {
  name: string;
  logger: Logger;
  readiness: ReadinessChecks;
  /** Mounts the service's routes. */
  routes: (app: Express) => void;
  bodyLimit?: string;
  /** Log failed (5xx) and slow requests (default on; the edge's access log has every request). */
  accessLog?: boolean;
  /** What "slow" means for that log (default SLOW_REQUEST_MS, 1 s). */
  slowRequestMs?: number;
  /** Routes answered before express (leanLane over the same route list). */
  lean?: LeanLane;
}

const CHECK_TIMEOUT_MS = 1_000;

async function runCheck(check: () => Promise<unknown> | unknown): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.resolve().then(check), timeout]);
    return 'ok';
  } catch (err) {
    return `down: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

/** Builds the express app every service shares: wiring only, no listen(). */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  enableDefaultMetrics(options.name);
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('etag', false);
  app.use(requestId);
  // A line for a failed (5xx) or slow request only: the edge logs every request (request-log.ts).
  if (options.accessLog !== false) app.use(requestLog(options.logger, options.slowRequestMs ?? SLOW_REQUEST_MS));
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(httpMetrics);
  app.use(express.json({ limit: options.bodyLimit ?? '100kb', strict: true }));

  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    const names = Object.keys(options.readiness);
    const results = await Promise.all(names.map((n) => runCheck(options.readiness[n])));
    const checks = Object.fromEntries(names.map((n, i) => [n, results[i]]));
    const ready = results.every((r) => r === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metricsRegistry.contentType);
    res.send(await metricsRegistry.metrics());
  });

  options.routes(app);
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  const lean = options.lean;
  if (lean) {
    // express' app is `(req, res, next) => app.handle(req, res, next)`: the lean lane goes first,
    // so a server built on the app (startServer, the tests' listen) serves it the same way.
    type Handle = (req: Parameters<LeanLane>[0], res: Parameters<LeanLane>[1], next?: unknown) => void;
    const withHandle = app as unknown as { handle: Handle };
    const handle = withHandle.handle.bind(app);
    withHandle.handle = (req, res, next) => void (lean(req, res, () => handle(req, res, next)) || handle(req, res, next));
  }
  return app;
}
