import { AppError } from '@shop/errors';
import type { IdentityProvider, LoginGuard } from './ports.js';
import type { TokenSet } from './types.js';

export interface LoginDeps {
  identity: IdentityProvider;
  guard: LoginGuard;
}

/** Password login with brute-force protection: blocked callers never reach Keycloak. */
export async function login(deps: LoginDeps, input: { email: string; password: string }, ip: string): Promise<TokenSet> {
  const email = input.email.trim().toLowerCase();
  await deps.guard.check(email, ip);
  const tokens = await deps.identity.passwordLogin(email, input.password);
  if (!tokens) {
    await deps.guard.recordFailure(email, ip);
    throw new AppError('INVALID_CREDENTIALS', 'Email or password is wrong', 401);
  }
  await deps.guard.recordSuccess(email, ip);
  return tokens;
}

export async function refreshTokens(identity: IdentityProvider, refreshToken: string): Promise<TokenSet> {
  const tokens = await identity.refresh(refreshToken);
  if (!tokens) throw AppError.unauthenticated('Refresh token is invalid, expired or revoked');
  return tokens;
}
