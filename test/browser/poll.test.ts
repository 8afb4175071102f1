/** The drop page's and order page's polling rules (storefront/src/poll.ts): pure, so unit tested. */
import { describe, expect, it } from '@jest/globals';
import { backoffDelay, formatDuration, nextPollDelay, secondsUntil, ticketPath, withJitter } from '../../storefront/src/poll.js';

const low = () => 0;
const high = () => 0.999999;

describe('polling as the server directs', () => {
  it('when the server says pollAfterMs, then the client never asks sooner, and adds at most 20 % (≤ 2 s) of jitter', () => {
    expect(nextPollDelay(3_000, low)).toBe(3_000);
    expect(nextPollDelay(3_000, high)).toBe(3_600);
    expect(nextPollDelay(60_000, high)).toBe(62_000);
  });

  it('when the ticket says longPoll, then the next poll is the held one; otherwise the plain ticket', () => {
    expect(ticketPath({ longPoll: true })).toBe('wait');
    expect(ticketPath({ longPoll: false })).toBe('me');
    expect(ticketPath({})).toBe('me');
  });

  it('when the hint is missing or nonsense, then the client waits a safe 5 s', () => {
    for (const hint of [undefined, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(nextPollDelay(hint, low)).toBe(5_000);
  });

  it('when the server keeps saying 429 or 503, then the wait doubles from 1 s up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, null, low))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('when Retry-After is longer than the backoff, then the client waits at least that long', () => {
    expect(backoffDelay(1, 12, low)).toBe(12_000);
    expect(backoffDelay(6, 2, low)).toBe(30_000);
  });

  it('when a crowd is told the same wait, then their retries spread out instead of arriving together', () => {
    const delays = new Set(Array.from({ length: 200 }, () => withJitter(5_000)));
    expect(delays.size).toBeGreaterThan(100);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(5_000);
  });

  it('formats a countdown for people', () => {
    expect(secondsUntil(10_500, 10_000)).toBe(1);
    expect(secondsUntil(5_000, 10_000)).toBe(0);
    expect(formatDuration(12)).toBe('12 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3_720)).toBe('1 h 02 min');
  });
});
