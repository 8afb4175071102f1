import type { ErrorRequestHandler } from 'express';
import { AppError, isAppError } from '@shop/errors';

// Connection refused/reset, pool exhausted, server shutting down or overloaded, statement timeout.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300', '57014']);

/**
 * A database that is away is a 503 with Retry-After, not a 500: the caller should try
 * again shortly, and nothing about the request was wrong.
 */
export const databaseUnavailable: ErrorRequestHandler = (err, _req, _res, next) => {
  if (isAppError(err)) return next(err);
  const e = err as { name?: string; code?: string; message?: string };
  const down =
    e.name === 'KnexTimeoutError' ||
    (e.code !== undefined && UNAVAILABLE_CODES.has(e.code)) ||
    /Connection terminated|Client has encountered a connection error/i.test(e.message ?? '');
  next(down ? AppError.unavailable('Database') : err);
};
