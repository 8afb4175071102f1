/**
 * Fault R11 in one process: the user service reaches the real Keycloak through a link that goes
 * silent (connections open, nothing answered). Logins, refreshes and sign-ups need Keycloak, so
 * they are 503 with Retry-After: the first ones after the deadline, then at once (the breaker),
 * until a probe is answered. A profile read needs no Keycloak (the realm's keys are held) and
 * goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, hungLink, passwordGrant, testEnv, uniqueEmail, waitFor, type HungLink, type TestUser } from '@shop/testing';
import { call, randomIp, startUserService, type Harness } from './harness.js';

const password = 'Correct-horse-9';

describe('user service with a Keycloak that hangs', () => {
  let link: HungLink;
  let h: Harness;
  let user: TestUser;
  let unseen: TestUser;

  beforeAll(async () => {
    const keycloak = new URL(testEnv('user').KEYCLOAK_URL);
    link = await hungLink({ host: keycloak.hostname, port: Number(keycloak.port) });
    h = await startUserService({ KEYCLOAK_URL: `http://127.0.0.1:${link.port}`, KEYCLOAK_ISSUER_URL: keycloak.origin, KEYCLOAK_TIMEOUT_MS: '1000' });
    [user, unseen] = await Promise.all([createTestUser(), createTestUser()]);
  });
  afterAll(async () => {
    link.set('off');
    await h?.close();
    await link.close();
  });

  it('then logins, refreshes and sign-ups are 503 with Retry-After, after the deadline only until the breaker opens, profiles still answer, and all works once Keycloak is back', async () => {
    const { refreshToken } = await passwordGrant(user.email, user.password);
    expect((await call(h.url, 'GET', '/api/users/me', { token: user.accessToken })).status).toBe(200); // keys fetched

    link.set('hold');
    const answers: Array<{ status: number; code?: string; retryAfter: string | null; ms: number }> = [];
    const requests = [
      () => call(h.url, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password }, ip: randomIp() }),
      () => call(h.url, 'POST', '/api/auth/refresh', { body: { refreshToken }, ip: randomIp() }),
      () => call(h.url, 'POST', '/api/auth/register', { body: { email: uniqueEmail('hung'), password, name: 'Hung Keycloak' }, ip: randomIp() }),
    ];
    for (let i = 0; i < 9; i++) {
      const started = Date.now();
      const res = await requests[i % 3]();
      answers.push({ status: res.status, code: res.body?.error?.code, retryAfter: res.headers.get('retry-after'), ms: Date.now() - started });
    }
    for (const a of answers) {
      expect(a).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', retryAfter: '1' });
      expect(a.ms).toBeLessThan(1_800); // the 1 s deadline, never a hang
    }
    // Two failures in a row, then a probe that goes unanswered too (sent beside the third call),
    // open the breaker: the other six did not wait for Keycloak.
    expect(Math.max(...answers.slice(3).map((a) => a.ms))).toBeLessThan(150);
    // A token this service never saw verifies against the keys it holds, without Keycloak.
    expect((await call(h.url, 'GET', '/api/users/me', { token: unseen.accessToken })).status).toBe(200);

    link.set('off');
    await waitFor(async () => (await call(h.url, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password }, ip: randomIp() })).status === 200, {
      timeoutMs: 10_000,
      what: 'a login once Keycloak answers again',
    });
    expect((await call(h.url, 'POST', '/api/auth/refresh', { body: { refreshToken }, ip: randomIp() })).status).toBe(200);
  }, 60_000);
});

