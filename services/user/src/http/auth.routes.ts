import type { BlockList } from 'node:net';
import type { Auth } from '@shop/auth';
import { Router, validate } from '@shop/http';
import { clientAddress } from '@shop/ratelimit';
import { login, refreshTokens } from '../domain/login.js';
import { logout } from '../domain/logout.js';
import type { IdentityProvider, LoginGuard, ProfileStore, SessionDenyList } from '../domain/ports.js';
import { registerUser } from '../domain/register-user.js';
import { loginBody, logoutBody, refreshBody, registerBody } from './auth.schemas.js';
import { callerOf, contextOf } from './caller.js';

export interface AuthRoutesDeps {
  auth: Auth;
  identity: IdentityProvider;
  guard: LoginGuard;
  denyList: SessionDenyList;
  profiles: ProfileStore;
  trustedProxies: BlockList;
  source: string;
}

export function authRoutes(deps: AuthRoutesDeps): Router {
  const router = Router();

  router.post('/register', validate('body', registerBody), async (req, res) => {
    const user = await registerUser(deps, res.locals.body, contextOf(req));
    res.status(201).location(`/api/users/me`).json(user);
  });

  router.post('/login', validate('body', loginBody), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await login(deps, res.locals.body, clientAddress(req, deps.trustedProxies)));
  });

  router.post('/refresh', validate('body', refreshBody), async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await refreshTokens(deps.identity, res.locals.body.refreshToken));
  });

  router.post('/logout', deps.auth.required, validate('body', logoutBody), async (req, res) => {
    await logout(deps, callerOf(req), res.locals.body.refreshToken);
    res.status(204).end();
  });

  return router;
}
