import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError } from '@shop/errors';
import { listTasks, TaskStatuses } from './tasks.js';

const Query = z.object({
  status: z.enum(TaskStatuses).optional(),
  consumer: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(/^[1-9]\d{0,18}$/, 'cursor must come from nextCursor').optional(),
});

/**
 * GET / ?status=pending|processing|complete|failed&consumer=&limit=1..100&cursor=
 * → {items, nextCursor}, newest first. The caller mounts it behind its admin guard.
 */
export function tasksRouter(db: Knex): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const parsed = Query.safeParse(req.query);
    if (!parsed.success) {
      throw new AppError('VALIDATION_FAILED', z.prettifyError(parsed.error), 400, parsed.error.issues);
    }
    res.json(await listTasks(db, parsed.data));
  });
  return router;
}
