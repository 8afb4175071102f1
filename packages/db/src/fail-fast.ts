import type { Knex } from 'knex';
import pg from 'pg';

/**
 * A query (or a wait for a connection) that has had no answer for this long makes the pool ask
 * Postgres a `select 1` on a fresh connection of its own. An answer within the probe's deadline
 * says Postgres is there and the query is merely long (it goes on, bounded by statement_timeout);
 * none says it is away.
 */
export const STALL_MS = 500;
const PROBE_DEADLINE_MS = 1_000;
const PROBE_EVERY_MS = 500;

/**
 * What a pool whose database is away throws instead of waiting: the connection-failure SQLSTATE
 * (08006), so `isDependencyUnavailable` (@shop/errors) makes it a 503 with Retry-After at the
 * edge and a retry in a consumer, like every other "Postgres is away".
 */
export class DatabaseUnavailableError extends Error {
  readonly code = '08006';
  constructor(message: string) {
    super(`Database unavailable: ${message}`);
    this.name = 'DatabaseUnavailableError';
  }
}

// Errors that may mean the server went away (as opposed to the query's own error, a statement
// timeout or an overload): the pool then asks the probe. PgBouncer answers its own refusals with
// class 08 ("server login has been failing", "query_wait_timeout").
const GONE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03']);
const GONE_MESSAGES = /Connection terminated|Client has encountered a connection error|timeout expired|Timeout acquiring a connection/i;
function maySayGone(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (e?.code !== undefined && (GONE_CODES.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code))) return true;
  return GONE_MESSAGES.test(e?.message ?? '');
}

export interface PoolBreaker {
  /** True while the pool refuses at once: Postgres did not answer its probe. */
  readonly open: boolean;
}

interface Log {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

interface InFlight {
  since: number;
  /** Gives up on it: destroys its connection (a query), or rejects the wait (an acquire). */
  abandon(): void;
}

type PgConnection = pg.Client & { connection?: { stream?: { destroy(): void } } };
type KnexClient = {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<unknown>;
  destroy(...args: unknown[]): Promise<unknown>;
};

const breakers = new WeakMap<Knex, PoolBreaker>();

/** The breaker `createDb` gave this pool (for tests and readiness). */
export const poolBreakerOf = (db: Knex): PoolBreaker | undefined => breakers.get(db);

/** One `select 1` on a connection of its own, within the deadline; never throws. */
async function answers(connectionString: string): Promise<boolean> {
  const probe: PgConnection = new pg.Client({ connectionString, connectionTimeoutMillis: PROBE_DEADLINE_MS });
  probe.on('error', () => undefined);
  const deadline = setTimeout(() => probe.connection?.stream?.destroy(), PROBE_DEADLINE_MS);
  try {
    await probe.connect();
    await probe.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(deadline);
    probe.end().catch(() => undefined);
  }
}

/**
 * Makes a knex pool fail fast while its database is away. Without it, a query sent when
 * Postgres died waits as long as whatever is between: PgBouncer keeps a query that was waiting
 * for a server connection until query_wait_timeout (fault R5: one order answered 503 after
 * 10.1 s), and a link that answers nothing holds a query for ever (statement_timeout is the
 * server's, which never sees it). So every query and every wait for a connection that is late by
 * STALL_MS, and every failure that may mean "gone", makes the pool probe Postgres (at most one
 * probe per 500 ms); when the probe
 * is not answered the breaker opens: the late queries' connections are destroyed (their callers
 * get a 503 at once; a connection that never answered is of no further use), waits for a
 * connection are refused, and new work is refused without being sent, until a probe (every
 * 500 ms) is answered. A probe that is answered leaves everything as it was, so a long query on a
 * healthy database is never cut. The Redis client and the HTTP peers have breakers of the same
 * shape (@shop/cache `breakerFor`, @shop/http `FailFast`).
 */
export function failFastPool(db: Knex, connectionString: string, log?: Log): PoolBreaker {
  const client = db.client as unknown as KnexClient;
  const inFlight = new Set<InFlight>();
  let open = false;
  let probing = false;
  let closed = false;
  /** When a probe was last answered: under load many waits are late, one probe per interval is enough. */
  let answeredAt = 0;
  /**
   * When a query of this pool last had its answer. Under a drop's load a probe can miss its 1 s
   * deadline on a database that answers (the replica's event loop, PgBouncer and Postgres share
   * two busy cores: 37 admitted orders got 503 that way in a 2,500-buyer rehearsal,
   * load-tests/results/held-polls.md), while the pool's own queries go on being answered. A
   * query answered since the probe was sent says Postgres is there, whatever the probe says.
   */
  let queryAnsweredAt = 0;

  const abandonLate = () => {
    const now = Date.now();
    for (const work of inFlight) if (now - work.since >= STALL_MS) work.abandon();
  };
  const probeUntilAnswered = () => {
    setTimeout(() => {
      if (closed) return;
      void answers(connectionString).then((ok) => {
        if (!ok) return probeUntilAnswered();
        open = false;
        answeredAt = Date.now();
        log?.info({}, 'Postgres answers again; the pool takes work again');
      });
    }, PROBE_EVERY_MS).unref();
  };
  const suspect = (reason: string) => {
    if (open || probing || closed || Date.now() - Math.max(answeredAt, queryAnsweredAt) < PROBE_EVERY_MS) return;
    probing = true;
    const asked = Date.now();
    void answers(connectionString).then((ok) => {
      probing = false;
      if (ok) answeredAt = Date.now();
      if (ok || open || queryAnsweredAt >= asked) return;
      open = true;
      log?.warn({ reason }, 'Postgres does not answer; refusing work at once until it does');
      abandonLate();
      probeUntilAnswered();
    });
  };
  /** Runs `work` as in flight: late, it is suspected every STALL_MS (and abandoned once the breaker is open). */
  const watch = <T>(abandon: () => void, work: () => Promise<T>): Promise<T> => {
    const entry: InFlight = { since: Date.now(), abandon };
    inFlight.add(entry);
    let late: NodeJS.Timeout;
    const check = () => {
      if (open) return abandon();
      suspect(`no answer within ${Date.now() - entry.since} ms`);
      late = setTimeout(check, STALL_MS);
    };
    late = setTimeout(check, STALL_MS);
    return work()
      .catch((err: unknown) => {
        if (maySayGone(err)) suspect((err as Error)?.message ?? String(err));
        throw err;
      })
      .finally(() => {
        clearTimeout(late);
        inFlight.delete(entry);
      });
  };

  /** Every query on the connection watched (knex's transactions send theirs through a client of their own, so here, not in knex). */
  const watched = (connection: PgConnection): PgConnection => {
    type Query = (config: unknown, callback?: unknown) => unknown;
    const c = connection as unknown as { failFast?: true; query: Query; connection?: { stream?: { destroy(): void } } };
    if (c.failFast) return connection;
    c.failFast = true;
    const send = c.query.bind(c);
    c.query = (config: unknown, callback?: unknown) => {
      if (typeof callback !== 'function') return send(config, callback); // knex always passes one
      const done = callback as (err: unknown, result?: unknown) => void;
      const answer = () => new Promise((resolve, reject) => send(config, (err: unknown, result: unknown) => (err ? reject(err) : resolve(result))));
      void watch(() => c.connection?.stream?.destroy(), answer).then(
        (result) => {
          queryAnsweredAt = Date.now();
          done(null, result);
        },
        (err: unknown) => done(err),
      );
      return undefined;
    };
    return connection;
  };

  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = () => {
    if (open) return Promise.reject(new DatabaseUnavailableError('not used until it answers a probe again'));
    let refuse: (err: Error) => void = () => undefined;
    const refused = new Promise<never>((_, reject) => (refuse = reject));
    const pending = acquire().then(watched);
    // A connection that arrives after its wait was refused goes back to the pool.
    const waited = watch(() => refuse(new DatabaseUnavailableError('no connection while it does not answer')), () => Promise.race([pending, refused]));
    waited.catch(() => pending.then((c) => client.releaseConnection(c), () => undefined));
    return waited;
  };

  const destroy = client.destroy.bind(client);
  client.destroy = (...args) => {
    closed = true; // no probe outlives the pool
    return destroy(...args);
  };

  const breaker: PoolBreaker = {
    get open() {
      return open;
    },
  };
  breakers.set(db, breaker);
  return breaker;
}
