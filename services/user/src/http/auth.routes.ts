import type { BlockList } from 'node:net';
import { defineRoute, errorResponse, type Route } from '@shop/http';
import { clientAddress } from '@shop/ratelimit';
import { z } from 'zod';
import { login, refreshTokens } from '../domain/login.js';
import { logout } from '../domain/logout.js';
import type { IdentityProvider, LoginGuard, ProfileStore, SessionDenyList } from '../domain/ports.js';
import { registerUser } from '../domain/register-user.js';
import { loginBody, logoutBody, refreshBody, registerBody, registeredUser, tokenSet } from './auth.schemas.js';
import { callerOf, contextOf } from './caller.js';

export interface AuthRoutesDeps {
  identity: IdentityProvider;
  guard: LoginGuard;
  denyList: SessionDenyList;
  profiles: ProfileStore;
  trustedProxies: BlockList;
  source: string;
}

const retryAfter = z.object({ 'Retry-After': z.string().describe('seconds to wait') });
const limited = errorResponse('RATE_LIMITED: too many attempts; see Retry-After', retryAfter);

export const authRoutes: Array<Route<AuthRoutesDeps>> = [
  defineRoute(
    {
      method: 'post',
      path: '/api/auth/register',
      summary: 'Create an account (role customer)',
      auth: 'public',
      request: { body: registerBody },
      responses: {
        201: { description: 'created', schema: registeredUser },
        400: errorResponse('VALIDATION_FAILED or WEAK_PASSWORD (Keycloak\'s password policy)'),
        409: errorResponse('EMAIL_TAKEN (a sign-up that made the account but not its profile is finished by a retry with the same password)'),
        429: limited,
      },
    },
    async ({ body, req, res }, deps: AuthRoutesDeps) => {
      const user = await registerUser(deps, body, { ...contextOf(req), ip: clientAddress(req, deps.trustedProxies) });
      res.location('/api/users/me');
      return user;
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/auth/login',
      summary: 'Password login; tokens from Keycloak',
      auth: 'public',
      request: { body: loginBody },
      responses: { 200: { description: 'tokens', schema: tokenSet }, 401: errorResponse('INVALID_CREDENTIALS'), 429: limited },
    },
    ({ body, req, res }, deps: AuthRoutesDeps) => {
      res.setHeader('Cache-Control', 'no-store');
      return login(deps, body, clientAddress(req, deps.trustedProxies));
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/auth/refresh',
      summary: 'New tokens for a refresh token',
      auth: 'public',
      request: { body: refreshBody },
      responses: { 200: { description: 'tokens', schema: tokenSet }, 401: errorResponse('UNAUTHENTICATED: invalid, expired or revoked'), 429: limited },
    },
    ({ body, res }, deps: AuthRoutesDeps) => {
      res.setHeader('Cache-Control', 'no-store');
      return refreshTokens(deps.identity, body.refreshToken);
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/auth/logout',
      summary: 'End the session: its access tokens are refused by every service from now on',
      auth: 'user',
      request: { body: logoutBody },
      responses: { 204: { description: 'logged out' }, 400: errorResponse('VALIDATION_FAILED or INVALID_REFRESH_TOKEN (of another session)') },
    },
    async ({ body, req }, deps: AuthRoutesDeps) => {
      await logout(deps, callerOf(req), body.refreshToken);
    },
  ),
];
