import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@shop/logger';

/** A request slower than this gets a log line whatever its status. */
export const SLOW_REQUEST_MS = 1_000;

/**
 * The one rule for request log lines, on both lanes: a service writes a line for a request only
 * when it failed (5xx) or was slow. The edge's access log already has every request with its
 * request id, status and upstream time (nginx/edge.conf.template `log_format edge`), so a line per
 * request here was the same fact written twice, at a cost measured on the order path
 * (load-tests/results/buy-path-profile.md, "The per-request log line"). Errors keep their own lines (errorReply).
 */
export function logNotable(logger: Logger, req: IncomingMessage & { id?: string }, statusCode: number, ms: number, slowMs = SLOW_REQUEST_MS): void {
  if (statusCode < 500 && ms < slowMs) return;
  const line = { req: { id: req.id, method: req.method, url: req.url }, res: { statusCode }, responseTime: Math.round(ms) };
  if (statusCode >= 500) logger.warn(line, 'failed request');
  else logger.info(line, 'slow request');
}

/** Express middleware of the rule above (health checks are left out, as before). */
export function requestLog(logger: Logger, slowMs = SLOW_REQUEST_MS) {
  return (req: IncomingMessage & { id?: string }, res: ServerResponse, next: () => void): void => {
    if (req.url?.startsWith('/health')) return next();
    const started = performance.now();
    res.once('finish', () => logNotable(logger, req, res.statusCode, performance.now() - started, slowMs));
    next();
  };
}
