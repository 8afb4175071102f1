import type { Auth } from '@shop/auth';
import type { Db } from '@shop/db';
import { Router, validate } from '@shop/http';
import { tasksRouter } from '@shop/messaging';
import type { ProfileStore } from '../domain/ports.js';
import { getOrCreateProfile, listProfiles, updateProfile } from '../domain/profile.js';
import { callerOf, contextOf } from './caller.js';
import { listQuery, profilePatch } from './users.schemas.js';

export interface UsersRoutesDeps {
  auth: Auth;
  profiles: ProfileStore;
  db: Db;
  source: string;
}

export function usersRoutes(deps: UsersRoutesDeps): Router {
  const router = Router();

  router.get('/me', deps.auth.required, async (req, res) => {
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(await getOrCreateProfile(deps, callerOf(req), contextOf(req)));
  });

  router.patch('/me', deps.auth.required, validate('body', profilePatch), async (req, res) => {
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(await updateProfile(deps, callerOf(req), res.locals.body, contextOf(req)));
  });

  router.use('/admin/tasks', deps.auth.requireRole('admin'), tasksRouter(deps.db));

  router.get('/', deps.auth.requireRole('admin'), validate('query', listQuery), async (_req, res) => {
    res.setHeader('Cache-Control', 'private, no-store');
    const { limit, cursor } = res.locals.query;
    res.json(await listProfiles(deps, limit, cursor));
  });

  return router;
}
