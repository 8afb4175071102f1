import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import { AppError, type CodeWithStatus } from '@shop/errors';

type Part = 'body' | 'query' | 'params';

/** Parses a value or throws a 400 that lists each problem with its path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, code: CodeWithStatus<400> = 'VALIDATION_FAILED'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
  const first = details[0];
  throw new AppError(code, first ? `${first.path || 'body'}: ${first.message}` : 'Invalid input', { details });
}

/** A request that carries a body at all (a length above zero, or chunked). */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A body that is not `application/json` is 415: the JSON parser leaves it unread, and reading
 * it as an empty body would answer a request nobody sent.
 */
export function requireJsonBody(req: Request): void {
  if (hasBody(req) && !req.is('application/json')) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json');
  }
}

/**
 * Validates one part of the request and stores the parsed value in `res.locals[part]`
 * (express 5 makes req.query read-only, so handlers read the parsed copy there).
 * A body must be JSON (requireJsonBody).
 */
export function validate<S extends z.ZodType>(part: Part, schema: S): RequestHandler {
  return (req, res, next) => {
    if (part === 'body') requireJsonBody(req);
    res.locals[part] = parseOrThrow(schema, part === 'body' ? (req.body ?? {}) : req[part]);
    next();
  };
}
