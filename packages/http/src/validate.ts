import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { AppError } from '@shop/errors';

type Part = 'body' | 'query' | 'params';

/** Parses a value or throws a 400 that lists each problem with its path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, code = 'VALIDATION_FAILED'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
  const first = details[0];
  throw new AppError(code, first ? `${first.path || 'body'}: ${first.message}` : 'Invalid input', 400, details);
}

/**
 * Validates one part of the request and stores the parsed value in `res.locals[part]`
 * (express 5 makes req.query read-only, so handlers read the parsed copy there).
 */
export function validate<S extends z.ZodType>(part: Part, schema: S): RequestHandler {
  return (req, res, next) => {
    res.locals[part] = parseOrThrow(schema, part === 'body' ? (req.body ?? {}) : req[part]);
    next();
  };
}
