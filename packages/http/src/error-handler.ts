import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ErrorCatalogue, isAppError } from '@shop/errors';
import type { Logger } from '@shop/logger';
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

/** The one place that turns anything thrown into `{error: {code, message, requestId}}`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = isAppError(err) ? err : (fromBodyParser(err as BodyParserError) ?? asUnavailable(err) ?? fromDataException(err));
    const requestId = req.id;
    if (!known) {
      logger.error({ err, requestId, path: req.path }, 'unhandled error');
      res.status(ErrorCatalogue.INTERNAL).json({ error: { code: 'INTERNAL', message: 'Something went wrong', requestId } });
      return;
    }
    if (known.status >= 500) logger.warn({ code: known.code, requestId, msg: known.message }, 'request failed');
    for (const [name, value] of Object.entries(known.headers ?? {})) res.setHeader(name, value);
    const body: Record<string, unknown> = { code: known.code, message: known.message, requestId };
    if (known.details !== undefined && known.status < 500) body.details = known.details;
    res.status(known.status).json({ error: body });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `No route for ${req.method} ${req.path}`));
};
