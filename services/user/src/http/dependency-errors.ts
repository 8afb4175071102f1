import type { ErrorRequestHandler } from 'express';
import { AppError, isAppError } from '@shop/errors';

const DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/** Postgres or Redis unreachable → 503 with Retry-After, not a 500. */
export const dependencyErrors: ErrorRequestHandler = (err, _req, _res, next) => {
  if (isAppError(err)) return next(err);
  const e = err as { name?: string; code?: string; message?: string };
  const down =
    e?.name === 'KnexTimeoutError' ||
    (e?.code !== undefined && DOWN_CODES.has(e.code)) ||
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Stream isn't writeable|Connection is closed/i.test(e?.message ?? '');
  next(down ? AppError.unavailable('A data store of the user service') : err);
};
