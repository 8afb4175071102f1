import { AppError, isDependencyUnavailable, isTransactionConflict } from '@shop/errors';

/**
 * A dependency that is away (Postgres, Redis, a peer service) is a 503 with Retry-After,
 * not a 500: nothing about the request was wrong, and the caller should try again shortly.
 * So is a transaction the database aborted to break a deadlock or a serialization conflict:
 * the same request, sent again, runs again.
 */
export function asUnavailable(err: unknown): AppError | undefined {
  const e = err as { name?: string } | undefined;
  if (isTransactionConflict(err)) {
    return new AppError('DEPENDENCY_UNAVAILABLE', 'The request collided with another one, try again shortly', { headers: { 'Retry-After': '1' } });
  }
  if (!isDependencyUnavailable(err)) return undefined;
  return AppError.unavailable(e?.name === 'KnexTimeoutError' || e?.name === 'DatabaseUnavailableError' ? 'Database' : 'A dependency');
}
