import { makeEvent } from '@shop/contracts';
import { AppError } from '@shop/errors';
import type { IdentityProvider, LoginGuard, ProfileStore } from './ports.js';
import type { RequestContext } from './types.js';

export interface RegisterDeps {
  identity: IdentityProvider;
  profiles: ProfileStore;
  /** The login limits: proving a password for an account without a profile is a login attempt. */
  guard: LoginGuard;
  source: string;
}

export interface RegisterInput {
  email: string;
  password: string;
  name: string;
}

/**
 * Keycloak first (it owns credentials and decides whether the email is taken), then the
 * profile row and user.registered.v1 in one transaction. If that write fails, the
 * Keycloak user is removed again so the email is free for a retry.
 *
 * Safe to retry: a sign-up whose Keycloak call timed out on our side may still have made the
 * account there, with no profile here. Keycloak then says the email is taken; if no profile has
 * that email and the password is the account's, this sign-up finishes the earlier one (the
 * profile and its event) instead of answering 409 forever (docs/decisions.md).
 */
export async function registerUser(deps: RegisterDeps, input: RegisterInput, ctx: RequestContext & { ip: string }) {
  const email = input.email.trim().toLowerCase();
  let id: string;
  let adopted = false;
  try {
    id = await deps.identity.createUser({ email, password: input.password, name: input.name });
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'EMAIL_TAKEN')) throw err;
    id = await unfinishedSignUp(deps, email, input.password, ctx.ip, err);
    adopted = true;
  }
  try {
    const { profile } = await deps.profiles.insertIfAbsent({ id, email, name: input.name, phone: null, shippingAddress: null }, (p) =>
      makeEvent('user.registered.v1', { userId: p.id, email: p.email, name: p.name }, { source: deps.source, correlationId: ctx.correlationId }),
    );
    return { id: profile.id, email: profile.email, name: profile.name };
  } catch (err) {
    // An adopted account may be in use already (it can log in): never delete it.
    if (!adopted) await deps.identity.deleteUser(id).catch(() => undefined);
    throw err;
  }
}

/**
 * The id of a Keycloak account with this email that has no profile, when `password` is its
 * password; otherwise the 409 Keycloak gave. A profile means a finished sign-up: 409 without
 * asking Keycloak (no password oracle for finished accounts). The password check counts as a
 * login attempt against the same limits as POST /api/auth/login, so sign-up is no way around them.
 */
async function unfinishedSignUp(deps: RegisterDeps, email: string, password: string, ip: string, taken: AppError): Promise<string> {
  if (await deps.profiles.findByEmail(email)) throw taken;
  const attempt = await deps.guard.consume(email, ip);
  let id: string | undefined;
  try {
    id = await deps.identity.verifyPassword(email, password);
  } catch (err) {
    await attempt.undecided();
    throw err;
  }
  if (!id) throw taken;
  await attempt.succeeded();
  return id;
}
