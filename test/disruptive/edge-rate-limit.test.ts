/**
 * Bursts guest cart writes through :8000 while forging client-address headers on every
 * request. Every test on this machine comes from 127.0.0.1, so this spends the loopback
 * address's guest budget: it runs with the disruptive suites, and gives it back after.
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it, afterAll } from '@jest/globals';
import { Redis } from 'ioredis';
import { EDGE } from '../e2e/api.js';

const forged = () => `${randomInt(1, 223)}.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 254)}`;

describe('per-IP limits through the edge', () => {
  const redis = new Redis('redis://127.0.0.1:6379');
  afterAll(async () => {
    const keys = await redis.keys('rl:cart-writes*');
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('when a guest bursts past the limit with a fresh X-Forwarded-For each time, then it still gets 429 with the headers', async () => {
    const replies: Response[] = [];
    for (let n = 0; n < 200; n++) {
      const res = await fetch(`${EDGE}/api/cart`, {
        method: 'POST',
        headers: { 'X-Forwarded-For': forged(), 'X-Real-IP': forged(), Forwarded: `for=${forged()}` },
      });
      await res.arrayBuffer();
      replies.push(res);
      if (res.status === 429) break;
    }
    const first = replies[0];
    const last = replies[replies.length - 1];
    expect(first.status).toBe(201);
    expect(Number(first.headers.get('ratelimit-limit'))).toBeGreaterThan(0);
    expect(last.status).toBe(429);
    expect(replies.length).toBeLessThanOrEqual(Number(first.headers.get('ratelimit-limit')) + 1);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last.headers.get('ratelimit-remaining')).toBe('0');
    expect(last.headers.get('content-type')).toMatch(/json/);
  });
});
