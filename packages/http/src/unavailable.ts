import { AppError } from '@shop/errors';

// Connection refused/reset, pool exhausted, server shutting down or overloaded, statement
// timeout, and Postgres' connection-exception class (08xxx).
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300', '57014', '08000', '08001', '08003', '08006']);

/**
 * A dependency that is away (Postgres, Redis, a peer service) is a 503 with Retry-After,
 * not a 500: nothing about the request was wrong, and the caller should try again shortly.
 */
export function asUnavailable(err: unknown): AppError | undefined {
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === 'KnexTimeoutError') return AppError.unavailable('Database');
  if (e?.code !== undefined && UNAVAILABLE_CODES.has(e.code)) return AppError.unavailable('A dependency');
  if (/Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection is closed|Stream isn't writeable/i.test(e?.message ?? '')) {
    return AppError.unavailable('A dependency');
  }
  return undefined;
}
