import { ReplyError } from 'ioredis';
import type { Logger } from '@shop/logger';
import type { RedisClient } from './redis.js';

/**
 * How long a caller that can do without Redis waits for it: the cache, the rate limits, the
 * logout deny-list, the sale gate. Far below the client's 1 s command timeout, which is for
 * callers that need Redis' answer (a logout, a drop's queue, the gate's reconciler). A local
 * Redis answers in well under a millisecond; 150 ms is a Redis that is stuck or a link that is gone.
 */
export const DEGRADE_DEADLINE_MS = 150;
const PROBE_EVERY_MS = 500;

/** What `run` throws instead of waiting on a Redis that is away: the caller degrades. */
export class RedisUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`Redis is unavailable: ${message}`, options);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * One per Redis client, shared by every caller on it that can degrade. Closed, calls go to
 * Redis with a deadline; the first one that fails or is late opens it, and from then on every
 * caller degrades at once, without sending, until a background PING is answered. A Redis that
 * hangs (the connection open, nothing coming back) then costs one deadline per process, not
 * one per request. docs/decisions.md, "When Redis is down", says what each caller degrades to.
 */
export interface RedisBreaker {
  /** True while callers should not wait on Redis. */
  readonly open: boolean;
  /**
   * `op`'s answer; or RedisUnavailableError, at once while open, or when `op` fails for want of
   * Redis or outlasts `deadlineMs` (which opens the breaker). An error Redis itself answered
   * (a script's error, WRONGTYPE) and a rejection that is not an Error (rate-limiter-flexible's
   * "over the limit") pass through unchanged and leave it closed.
   */
  run<R>(op: () => Promise<R>, options?: { deadlineMs?: number }): Promise<R>;
  /** Open it from outside (a failure `run` did not see); probes until Redis answers. */
  trip(reason: unknown): void;
}

// Answers that mean "Redis is there but cannot serve now", not "your command is wrong".
const NOT_SERVING = /^(LOADING|BUSY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY)\b/;

/** Whether a failure says Redis is away or stuck (as opposed to a bad command, or no error at all). */
export function isRedisUnavailable(err: unknown): boolean {
  if (err instanceof RedisUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  if (err instanceof ReplyError) return NOT_SERVING.test(err.message);
  return true;
}

const breakers = new WeakMap<RedisClient, RedisBreaker>();

/** The breaker of this client (made on first use); the first logger given reports its changes. */
export function breakerFor(client: RedisClient, logger?: Logger): RedisBreaker {
  let breaker = breakers.get(client);
  if (!breaker) {
    breaker = createBreaker(client);
    breakers.set(client, breaker);
  }
  if (logger) (breaker as Internal).adopt(logger);
  return breaker;
}

type Internal = RedisBreaker & { adopt(logger: Logger): void };
type CommandLike = { name?: string; promise: Promise<unknown>; reject(err: Error): void };
type Sender = { sendCommand(command: CommandLike, ...rest: unknown[]): unknown };

/**
 * The one rule for every caller, including those that need Redis' answer and cannot degrade (a
 * logout's deny-list write, a drop's queue and holds, the gate's reconciler and admin reads):
 * while the client's breaker is open, a command on a connected client is refused at once with
 * RedisUnavailableError (a 503 with Retry-After at the edge) instead of being sent to wait out
 * the 1 s command timeout; and a command that did wait it out opens the breaker for everyone.
 * The breaker's PING and a new connection's handshake (status `connect`: AUTH, SELECT, the ready
 * check) pass. `createRedis` installs it.
 */
export function refuseWhileAway<C extends RedisClient>(client: C): C {
  const breaker = breakerFor(client);
  const sender = client as unknown as Sender;
  const send = sender.sendCommand.bind(client);
  sender.sendCommand = (command, ...rest) => {
    if (breaker.open && client.status !== 'connect' && command.name !== 'ping') {
      command.reject(new RedisUnavailableError('not used until it answers a PING again'));
      return command.promise;
    }
    const sent = send(command, ...rest);
    command.promise?.catch((err: Error) => {
      if (err?.message === 'Command timed out') breaker.trip(err);
    });
    return sent;
  };
  return client;
}

function createBreaker(client: RedisClient): Internal {
  let logger: Logger | undefined;
  let open = false;
  const probe = () => {
    const timer = setTimeout(() => {
      if (client.status === 'end') return; // the client was closed: nothing to come back to
      client.ping().then(() => {
        open = false;
        logger?.info('Redis answers again; its callers use it again');
      }, probe);
    }, PROBE_EVERY_MS);
    timer.unref();
  };
  const trip = (reason: unknown) => {
    if (open) return;
    open = true;
    logger?.warn({ err: (reason as Error)?.message ?? String(reason) }, 'Redis unavailable; its callers degrade until it answers a PING');
    probe();
  };

  async function run<R>(op: () => Promise<R>, options: { deadlineMs?: number } = {}): Promise<R> {
    if (open) throw new RedisUnavailableError('not used until it answers a PING again');
    const deadlineMs = options.deadlineMs ?? DEGRADE_DEADLINE_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      // When the timer fires, the answer may already sit unread on the socket of a busy process
      // (timers run before I/O in each turn of the event loop): read what has arrived first
      // (setImmediate runs after the I/O phase), so this process' own lag is not taken for Redis'.
      timer = setTimeout(() => setImmediate(() => reject(new RedisUnavailableError(`no answer within ${deadlineMs} ms`))), deadlineMs);
    });
    try {
      return await Promise.race([op(), late]);
    } catch (err) {
      if (!isRedisUnavailable(err)) throw err;
      trip(err);
      throw err instanceof RedisUnavailableError ? err : new RedisUnavailableError((err as Error).message, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    get open() {
      return open;
    },
    run,
    trip,
    adopt: (l) => void (logger ??= l),
  };
}
