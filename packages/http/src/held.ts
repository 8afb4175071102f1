import type { IncomingMessage } from 'node:http';

/**
 * Held requests (routes declared `held: true`): they answer when something changes or when their
 * wait ends. An edge cuts an upstream answer off after its read timeout and answers 504, so a
 * held request's whole time, counted from when the EDGE sent it, must end well before that.
 * The rule lives here and nowhere else:
 *
 * - EDGE_READ_TIMEOUT_MS is the edges' read timeout: nginx `proxy_read_timeout` (the native edge
 *   and the Docker balancer) and Kong's `read_timeout` on every service; test/edge/kong-config.test.ts
 *   fails when any of them says something else.
 * - HELD_WAIT_MAX_MS is the longest a held request may wait: the read timeout less
 *   HELD_ANSWER_MARGIN_MS, kept for what follows the wait (one Redis read, the write) on a busy
 *   replica. A service's config that bounds a held wait uses it as its maximum.
 * - The wait is counted from `edgeSentAt(req)`: the edges stamp each request with
 *   `X-Request-Start: t=<seconds since the epoch, ms resolution>` (nginx's `$msec`), so the time a
 *   request spent in a busy replica's accept queue or socket buffer (seconds in a drop's spike,
 *   load-tests/results/held-polls.md) is taken off its wait instead of pushing its answer past
 *   the edge's timeout.
 */
export const EDGE_READ_TIMEOUT_MS = 15_000;
export const HELD_ANSWER_MARGIN_MS = 5_000;
export const HELD_WAIT_MAX_MS = EDGE_READ_TIMEOUT_MS - HELD_ANSWER_MARGIN_MS;

/** The header the edges set (proxy_set_header X-Request-Start "t=${msec}"). */
export const REQUEST_START_HEADER = 'x-request-start';

const STAMP = /^t=(\d{9,11})(?:\.(\d{1,3}))?$/;

/**
 * When the edge sent this request on (epoch ms), from X-Request-Start; `now` when the header is
 * missing or malformed (a direct call to a replica), or says a time after `now` (clocks never
 * make a request younger than zero). A stamp can only shorten a held wait, never lengthen it.
 */
export function edgeSentAt(req: Pick<IncomingMessage, 'headers'>, now: number = Date.now()): number {
  const raw = req.headers[REQUEST_START_HEADER];
  const m = typeof raw === 'string' ? STAMP.exec(raw.trim()) : null;
  if (!m) return now;
  const ms = Number(m[1]) * 1000 + Number((m[2] ?? '0').padEnd(3, '0'));
  return Math.min(ms, now);
}
