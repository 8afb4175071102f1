import { pino, type Logger } from 'pino';
import { traceFields } from '@shop/telemetry';

export type { Logger };

/**
 * One JSON logger per process. A request gets a line only when it failed or was slow (@shop/http
 * request-log.ts; the edge logs every request), and every line written inside a traced request or
 * message carries its trace_id and span_id.
 */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    base: { service: name, pid: process.pid },
    mixin: traceFields,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken'], remove: true },
  });
}
