/**
 * When to ask the server again. Pure functions (no DOM, no fetch) so the rules are unit
 * tested: the waiting room must never poll sooner than it was told, and a crowd told to
 * wait must not come back in lockstep.
 */

/** Jitter is added, never subtracted: up to 20 % of the wait, at most 2 s. */
export function withJitter(ms: number, random: () => number = Math.random): number {
  const base = Math.max(0, ms);
  return Math.round(base + random() * Math.min(base * 0.2, 2_000));
}

/** The wait before the next poll the server directed with `pollAfterMs`. */
export function nextPollDelay(pollAfterMs: number | undefined, random: () => number = Math.random): number {
  // A missing or nonsensical hint falls back to a slow, safe pace.
  const ms = typeof pollAfterMs === 'number' && Number.isFinite(pollAfterMs) && pollAfterMs > 0 ? pollAfterMs : 5_000;
  return withJitter(ms, random);
}

/**
 * Which poll comes next: a ticket far from the head (`longPoll`) asks the held poll
 * (`queue/me/wait`, answered when the drop sells out or closes, when its turn is near, or after
 * about 10 s); every other ticket its plain `queue/me`. Either is sent after `pollAfterMs`.
 */
export function ticketPath(t: { longPoll?: boolean }): 'wait' | 'me' {
  return t.longPoll === true ? 'wait' : 'me';
}

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 30_000;

/**
 * The wait after the `failures`-th overload answer in a row (429 or 503, or a network
 * error): exponential from 1 s, capped at 30 s, never sooner than Retry-After, plus jitter.
 */
export function backoffDelay(failures: number, retryAfterSec: number | null, random: () => number = Math.random): number {
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  const floor = retryAfterSec === null ? 0 : retryAfterSec * 1000;
  return withJitter(Math.max(exp, floor), random);
}

/** Whole seconds left until `at` (epoch ms), never negative. */
export function secondsUntil(at: number, now: number = Date.now()): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** "1 h 02 min", "3 min 05 s", "12 s": a countdown a person reads at a glance. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h} h ${pad(m)} min`;
  if (m > 0) return `${m} min ${pad(sec)} s`;
  return `${sec} s`;
}
