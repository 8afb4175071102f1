import { Router, validate } from '@shop/http';
import type { Auth } from '@shop/auth';
import { AppError } from '@shop/errors';
import { queueTicket, readDrop, scheduleDrop, type DropDeps } from '../domain/drops.js';
import { fairnessRecord } from '../domain/open-drop.js';
import { callerOf } from './caller.js';
import { CreateDropSchema, DropParamsSchema } from './drops.schemas.js';

export interface DropRouteDeps {
  auth: Auth;
  drops: DropDeps;
  jwks: () => Promise<unknown>;
}

/** The waiting room. Joins and polls are one Redis script each and never touch Postgres. */
export function dropsRouter(deps: DropRouteDeps): Router {
  const router = Router();
  const { auth, drops } = deps;

  router.post('/', auth.requireRole('admin'), validate('body', CreateDropSchema), async (_req, res) => {
    const drop = await scheduleDrop(drops, res.locals.body);
    res.status(201).location(`/api/drops/${drop.id}`).json(drop);
  });

  // The admission tokens' public key, so anyone can check a token offline.
  router.get('/jwks.json', async (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(await deps.jwks());
  });

  router.get('/:id', validate('params', DropParamsSchema), async (_req, res) => {
    const drop = await readDrop(drops, res.locals.params.id);
    if (!drop) throw AppError.notFound('Drop');
    // The same answer for everyone: the edge micro-caches it for 1 s.
    res.setHeader('Cache-Control', 'public, max-age=1');
    res.json(drop);
  });

  router.get('/:id/fairness', validate('params', DropParamsSchema), async (_req, res) => {
    const drop = await drops.records.find(res.locals.params.id);
    if (!drop) throw AppError.notFound('Drop');
    const record = await fairnessRecord(drops.records, drop);
    if (!record) throw new AppError('DROP_NOT_OPEN', 'The seed and the pre-queue order are published at the open', 409);
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.json(record);
  });

  router.post('/:id/queue', auth.signedIn, validate('params', DropParamsSchema), async (req, res) => {
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(await queueTicket(drops, res.locals.params.id, callerOf(req).id, 'join'));
  });

  router.get('/:id/queue/me', auth.signedIn, validate('params', DropParamsSchema), async (req, res) => {
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(await queueTicket(drops, res.locals.params.id, callerOf(req).id, 'poll'));
  });

  return router;
}
