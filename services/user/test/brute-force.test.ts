/**
 * Abuse limits on the anonymous auth routes (issue 10, item 4), against the real Keycloak
 * with small budgets so a test can spend them: parallel guesses, guesses spread over
 * addresses, a shared (NAT) address, sign-ups, refreshes, and a saturated Keycloak.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { uniqueEmail } from '@shop/testing';
import { call, randomIp, startUserService, type Harness } from './harness.js';

const password = 'Correct-horse-9';
const count = (statuses: number[], s: number) => statuses.filter((x) => x === s).length;

describe('user service: brute-force and flood limits', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startUserService({
      LOGIN_MAX_CONSECUTIVE_FAILS: '5',
      LOGIN_MAX_FAILS_PER_EMAIL_PER_HOUR: '8',
      LOGIN_MAX_FAILS_PER_IP_PER_DAY: '3',
      LOGIN_SLOWED_ATTEMPTS_PER_SEC: '2',
      REGISTER_PER_IP_PER_MIN: '3',
      REFRESH_PER_IP_PER_MIN: '3',
    });
  });

  afterAll(async () => {
    await h.close();
  });

  async function register(ip = randomIp()) {
    const email = uniqueEmail('bf');
    const res = await call(h.url, 'POST', '/api/auth/register', { body: { email, password, name: 'Brute Force' }, ip });
    expect(res.status).toBe(201);
    return email;
  }
  const login = (email: string, pw: string, ip: string) => call(h.url, 'POST', '/api/auth/login', { body: { email, password: pw }, ip });

  it('when 60 wrong passwords for one email arrive at once from one address, then at most 5 are checked and the rest are 429', async () => {
    const email = await register();
    const ip = randomIp();
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => login(email, `Wrong-${i}-pass`, ip)));
    const statuses = results.map((r) => r.status);
    expect(count(statuses, 401)).toBeLessThanOrEqual(5);
    expect(count(statuses, 429)).toBeGreaterThanOrEqual(55);
    expect(count(statuses, 401) + count(statuses, 429)).toBe(60);
    for (const r of results.filter((x) => x.status === 429)) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('when wrong passwords for one email come from many addresses, then its password logins wait', async () => {
    const email = await register();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await login(email, `Wrong-${i}-pass`, randomIp())).status);
    expect(statuses).toEqual(Array(8).fill(401));
    const next = await login(email, 'Wrong-9-pass', randomIp());
    expect(next.status).toBe(429);
    expect(next.headers.get('retry-after')).toBeTruthy();
  });

  it('when a shared address has spent its daily failures, then right passwords from it still log in and wrong ones are slowed', async () => {
    const nat = randomIp();
    const [a, b] = [await register(), await register()];
    // Four buyers behind one NAT address mistype their passwords (budget: 3 a day).
    for (let i = 0; i < 4; i++) expect((await login(uniqueEmail('typo'), 'Wrong-pass-00', nat)).status).toBe(401);
    // Slowed, not locked out: failures hold the address to 2 unresolved attempts a
    // second, so at worst a right password waits out that second (Retry-After: 1).
    await new Promise((r) => setTimeout(r, 1_100));
    // Right passwords give their point back: one after another or a few at once, they get in.
    expect((await login(a, password, nat)).status).toBe(200);
    const together = await Promise.all([login(a, password, nat), login(b, password, nat)]);
    expect(together.map((r) => r.status)).toEqual([200, 200]);
    // Guesses from it are held to 2 unresolved a second.
    const started = Date.now();
    const guesses = await Promise.all(Array.from({ length: 10 }, (_, i) => login(uniqueEmail('spray'), `Wrong-${i}-pass`, nat)));
    const statuses = guesses.map((r) => r.status);
    // 2 per one-second window; a slow machine may spread the ten over a window boundary.
    const windows = Math.ceil((Date.now() - started) / 1000) + 1;
    expect(count(statuses, 401)).toBeLessThanOrEqual(2 * windows);
    expect(count(statuses, 401) + count(statuses, 429)).toBe(10);
    expect(count(statuses, 429)).toBeGreaterThanOrEqual(10 - 2 * windows);
    const slowed = guesses.find((r) => r.status === 429)!;
    expect(Number(slowed.headers.get('retry-after'))).toBe(1);
  });

  it('when sign-ups from one address pass the limit, then 429 with Retry-After and nothing is created', async () => {
    const ip = randomIp();
    const emails = Array.from({ length: 6 }, () => uniqueEmail('flood'));
    const results = await Promise.all(emails.map((email) => call(h.url, 'POST', '/api/auth/register', { body: { email, password, name: 'Flood' }, ip })));
    const statuses = results.map((r) => r.status);
    expect(count(statuses, 201)).toBe(3);
    expect(count(statuses, 429)).toBe(3);
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // A refused sign-up made no account: logging in with it is 401.
    const refusedEmail = emails[statuses.indexOf(429)];
    expect((await login(refusedEmail, password, randomIp())).status).toBe(401);
  });

  it('when refreshes from one address pass the limit, then 429 with Retry-After', async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(h.url, 'POST', '/api/auth/refresh', { body: { refreshToken: 'x'.repeat(40) }, ip })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

describe('user service with a saturated Keycloak', () => {
  let h: Harness;
  let stalled: http.Server;

  beforeAll(async () => {
    // A Keycloak that takes 1.5 s for every answer (as when it is busy hashing passwords).
    stalled = http.createServer((req, res) => {
      req.resume();
      setTimeout(() => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"error":"invalid_grant"}');
      }, 1_500);
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const port = (stalled.address() as AddressInfo).port;
    h = await startUserService({
      KEYCLOAK_URL: `http://127.0.0.1:${port}`,
      KEYCLOAK_TIMEOUT_MS: '5000',
      KEYCLOAK_MAX_IN_FLIGHT: '2',
      KEYCLOAK_MAX_QUEUED: '1',
      KEYCLOAK_QUEUE_TIMEOUT_MS: '200',
    });
  });

  afterAll(async () => {
    await h.close();
    stalled.closeAllConnections();
    await new Promise((r) => stalled.close(r));
  });

  it('when more logins arrive than Keycloak can take, then the excess is a fast 503 with Retry-After', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const started = Date.now();
        const res = await call(h.url, 'POST', '/api/auth/login', { body: { email: uniqueEmail('busy'), password }, ip: randomIp() });
        return { ...res, ms: Date.now() - started };
      }),
    );
    const checked = results.filter((r) => r.status === 401);
    const shed = results.filter((r) => r.status === 503);
    expect(checked).toHaveLength(2);
    expect(shed).toHaveLength(6);
    for (const r of shed) {
      expect(r.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.ms).toBeLessThan(1_000);
    }
  });
});
