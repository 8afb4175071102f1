import { AppError } from '@shop/errors';
import type { IdentityProvider, SessionDenyList } from './ports.js';
import type { Caller } from './types.js';

export interface LogoutDeps {
  identity: IdentityProvider;
  denyList: SessionDenyList;
}

/** The session a refresh token belongs to, read without verifying (Keycloak verifies it at revocation). */
function sessionOf(refreshToken: string): { sub?: string; sid?: string } {
  try {
    const payload = JSON.parse(Buffer.from(refreshToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    return { sub: typeof payload.sub === 'string' ? payload.sub : undefined, sid: typeof payload.sid === 'string' ? payload.sid : undefined };
  } catch {
    return {};
  }
}

/**
 * Denies the caller's session first (every service refuses its access tokens from now
 * on), then ends it at Keycloak so its refresh token is dead too. Repeating a logout
 * is harmless; a refresh token of another session is refused so one call cannot end
 * one session and leave the other alive.
 */
export async function logout(deps: LogoutDeps, caller: Caller, refreshToken: string): Promise<void> {
  const session = sessionOf(refreshToken);
  if (session.sub !== caller.id || (caller.sid && session.sid !== caller.sid)) {
    throw AppError.badRequest('refreshToken does not belong to the session of this access token', undefined, 'INVALID_REFRESH_TOKEN');
  }
  await deps.denyList.deny(caller);
  await deps.identity.revokeSession(refreshToken);
}
