// Connection refused/reset, pool exhausted, server shutting down or overloaded, statement
// timeout, and Postgres' connection-exception class (08xxx, below).
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300', '57014']);
// The whole connection-exception class, 08P01 included: PgBouncer answers every refusal of its
// own with 08P01 ("server login has been failing, try again later", "query_wait_timeout", "no
// more connections allowed"), which with Postgres away was a 500 for every order (fault R5).
const CONNECTION_EXCEPTION = /^08[0-9A-Z]{3}$/;
// The Redis client's (@shop/cache): its breaker refusing ("Redis is unavailable: ..."), its queue
// refusing while disconnected ("Redis is not reachable"), ioredis' command timeout.
const UNAVAILABLE_MESSAGES =
  /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection is closed|Stream isn't writeable|Command timed out|Redis( Cluster)? is (not reachable|unavailable)/i;
// Deadlock detected, serialization failure: the transaction lost a race and may simply run again.
const CONFLICT_CODES = new Set(['40P01', '40001']);

type Described = { name?: string; code?: string; message?: string; status?: number };

/** A dependency (Postgres, Redis, a peer service) is away or overloaded right now. */
export function isDependencyUnavailable(err: unknown): boolean {
  const e = err as Described | undefined;
  if (e?.name === 'KnexTimeoutError') return true;
  if (e?.name === 'AppError' && e.status === 503) return true;
  if (e?.code !== undefined && (UNAVAILABLE_CODES.has(e.code) || CONNECTION_EXCEPTION.test(e.code))) return true;
  return UNAVAILABLE_MESSAGES.test(e?.message ?? '');
}

/** The database gave up on the transaction to break a deadlock or keep it serializable. */
export function isTransactionConflict(err: unknown): boolean {
  const code = (err as Described | undefined)?.code;
  return code !== undefined && CONFLICT_CODES.has(code);
}

/** Nothing was wrong with the work itself: running it again later can succeed. */
export function isTransient(err: unknown): boolean {
  return isDependencyUnavailable(err) || isTransactionConflict(err);
}
