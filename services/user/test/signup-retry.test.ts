/**
 * A sign-up is safe to retry. Fault R11 made the state this starts from: the user service's call
 * to create the Keycloak account timed out on our side, Keycloak made the account anyway, and no
 * profile was written. A retry used to get 409 EMAIL_TAKEN forever. Against the real Keycloak,
 * through a link that delivers the request and throws the answer away (toxiproxy's timeout toxic).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, hungLink, passwordGrant, testEnv, uniqueEmail, waitFor, type HungLink } from '@shop/testing';
import { call, randomIp, startUserService, type Harness } from './harness.js';

const password = 'Correct-horse-9';

describe('sign-up retried after Keycloak made the account but the profile was never written', () => {
  let link: HungLink;
  let h: Harness;

  beforeAll(async () => {
    const keycloak = new URL(testEnv('user').KEYCLOAK_URL);
    link = await hungLink({ host: keycloak.hostname, port: Number(keycloak.port) });
    h = await startUserService({ KEYCLOAK_URL: `http://127.0.0.1:${link.port}`, KEYCLOAK_ISSUER_URL: keycloak.origin, KEYCLOAK_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    link.set('off');
    await h?.close();
    await link.close();
  });

  const register = (email: string, pw = password, ip = randomIp()) =>
    call(h.url, 'POST', '/api/auth/register', { body: { email, password: pw, name: 'Grace Hopper' }, ip });
  const profileRows = (email: string) => h.service.db('profiles').where({ email });
  const registeredEvents = (id: string) => h.service.db('outbox').where({ type: 'user.registered.v1' }).whereRaw("payload->'data'->>'userId' = ?", [id]);

  it('when the first attempt timed out after Keycloak made the account, then the retry with the same password is 201 for that account, with its profile and one user.registered.v1', async () => {
    // The service account's token is held (a 1 s deadline on a shared machine: may take a try or two).
    await waitFor(async () => (await register(uniqueEmail('warm'))).status === 201, { timeoutMs: 20_000, what: 'a first sign-up' });

    const email = uniqueEmail('orphan');
    link.set('drop');
    const first = await register(email);
    link.set('off');
    expect(first.status).toBe(503);
    expect(first.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
    // The orphan: Keycloak has the account (it can log in), the user service has no profile.
    const { accessToken } = await waitFor(() => passwordGrant(email, password).catch(() => undefined), { timeoutMs: 5_000, what: 'the account in Keycloak' });
    const keycloakId = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).sub as string;
    expect(await profileRows(email)).toHaveLength(0);

    const retried = await waitFor(async () => {
      const res = await register(email);
      return res.status === 503 ? undefined : res; // the breaker may still be closing
    }, { timeoutMs: 10_000, what: 'an answer from Keycloak' });
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual({ id: keycloakId, email, name: 'Grace Hopper' });
    expect(await profileRows(email)).toEqual([expect.objectContaining({ id: keycloakId })]);
    expect(await registeredEvents(keycloakId)).toHaveLength(1);

    // Finished now: a third sign-up is the ordinary 409, and nothing is written twice.
    const again = await register(email);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('EMAIL_TAKEN');
    expect(await registeredEvents(keycloakId)).toHaveLength(1);
  }, 60_000);
});

describe('sign-up for an account without a profile, with another password', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startUserService(); // Keycloak direct, the usual deadline: password checks under load
  });
  afterAll(async () => {
    await h?.close();
  });

  const register = (email: string, pw: string, ip: string) =>
    call(h.url, 'POST', '/api/auth/register', { body: { email, password: pw, name: 'Grace Hopper' }, ip });
  const profileRows = (email: string) => h.service.db('profiles').where({ email });

  it('when it is tried, then 409 EMAIL_TAKEN and no profile; wrong guesses are limited as logins are', async () => {
    const owner = await createTestUser({ password: 'Owners-pass-123!' }); // made in Keycloak only, as by an operator
    const ip = randomIp();
    const tries = [];
    for (let i = 0; i < 6; i++) tries.push(await register(owner.email, `Guess-${i}-pass!`, ip));
    expect(tries.slice(0, 5).map((r) => [r.status, r.body.error.code])).toEqual(Array(5).fill([409, 'EMAIL_TAKEN']));
    // LOGIN_MAX_CONSECUTIVE_FAILS (5) for this email and address, as at POST /api/auth/login.
    expect([tries[5].status, tries[5].body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(await profileRows(owner.email)).toHaveLength(0);
    // The owner's password still works, and the account is untouched.
    expect((await passwordGrant(owner.email, 'Owners-pass-123!')).accessToken).toBeTruthy();
  }, 60_000);
});
