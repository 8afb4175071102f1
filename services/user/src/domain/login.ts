import { AppError } from '@shop/errors';
import type { IdentityProvider, LoginGuard } from './ports.js';
import type { TokenSet } from './types.js';

export interface LoginDeps {
  identity: IdentityProvider;
  guard: LoginGuard;
}

/**
 * Password login with brute-force protection: the attempt is counted before Keycloak is
 * asked (so parallel guesses cannot all slip through) and given back when it was right.
 */
export async function login(deps: LoginDeps, input: { email: string; password: string }, ip: string): Promise<TokenSet> {
  const email = input.email.trim().toLowerCase();
  const attempt = await deps.guard.consume(email, ip);
  let tokens: TokenSet | undefined;
  try {
    tokens = await deps.identity.passwordLogin(email, input.password);
  } catch (err) {
    await attempt.undecided();
    throw err;
  }
  if (!tokens) throw new AppError('INVALID_CREDENTIALS', 'Email or password is wrong');
  await attempt.succeeded();
  return tokens;
}

export async function refreshTokens(identity: IdentityProvider, refreshToken: string): Promise<TokenSet> {
  const tokens = await identity.refresh(refreshToken);
  if (!tokens) throw AppError.unauthenticated('Refresh token is invalid, expired or revoked');
  return tokens;
}
