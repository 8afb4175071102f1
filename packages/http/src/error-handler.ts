import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ErrorCatalogue, isAppError } from '@shop/errors';
import type { Logger } from '@shop/logger';
import { countError, routeLabel } from './metrics.js';
import { asUnavailable } from './unavailable.js';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** Errors the body parser raises, mapped to stable codes. */
function fromBodyParser(err: BodyParserError): AppError | undefined {
  if (err.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large');
  if (err.type === 'entity.parse.failed') return new AppError('INVALID_JSON', 'Request body is not valid JSON');
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported')
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding');
  return undefined;
}

/**
 * Postgres' data-exception class (22xxx: a number out of its column's range, a malformed
 * uuid or timestamp, a NUL byte) is a value the request brought that the validation let
 * through: a 400, never a 500. The validation should catch each one first; this is the net.
 */
function fromDataException(err: { code?: unknown; severity?: unknown }): AppError | undefined {
  if (typeof err?.code !== 'string' || !/^22[0-9A-Z]{3}$/.test(err.code) || err.severity === undefined) return undefined;
  return new AppError('VALIDATION_FAILED', 'A value in the request is out of range or malformed');
}

/** What the client is told about anything thrown: status, extra headers and the `{error}` body. */
export function errorReply(err: unknown, requestId: string, path: string, logger: Logger): { status: number; headers?: Record<string, string>; body: unknown } {
  const known = isAppError(err) ? err : (fromBodyParser(err as BodyParserError) ?? asUnavailable(err) ?? fromDataException(err as { code?: unknown }));
  if (!known) {
    logger.error({ err, requestId, path }, 'unhandled error');
    return { status: ErrorCatalogue.INTERNAL, body: { error: { code: 'INTERNAL', message: 'Something went wrong', requestId } } };
  }
  if (known.status >= 500) logger.warn({ code: known.code, requestId, msg: known.message }, 'request failed');
  const body: Record<string, unknown> = { code: known.code, message: known.message, requestId };
  if (known.details !== undefined && known.status < 500) body.details = known.details;
  return { status: known.status, headers: known.headers, body: { error: body } };
}

/** The stable code of an errorReply body (for the errors metric). */
export const replyCode = (body: unknown): string => (body as { error: { code: string } }).error.code;

/** The one place that turns anything thrown into `{error: {code, message, requestId}}` (errorReply). */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const reply = errorReply(err, req.id, req.path, logger);
    countError(req.method, routeLabel(req.route !== undefined, req.path), reply.status, replyCode(reply.body));
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    res.status(reply.status).json(reply.body);
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `No route for ${req.method} ${req.path}`));
};
