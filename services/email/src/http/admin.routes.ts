import { z } from 'zod';
import { Router, validate } from '@shop/http';
import type { Auth } from '@shop/auth';
import type { Db } from '@shop/db';
import { tasksRouter } from '@shop/messaging';
import { listMails } from '../data/mail.repository.js';

export const MailsQuery = z.strictObject({
  status: z.enum(['pending', 'sent', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(/^[1-9]\d{0,18}$/, 'cursor must come from nextCursor').optional(),
});

/** Mounted at /api/email/admin: the only HTTP surface besides health, metrics and OpenAPI. */
export function adminRoutes(db: Db, auth: Pick<Auth, 'requireRole'>): Router {
  const router = Router();
  router.use(auth.requireRole('admin'));
  router.use('/tasks', tasksRouter(db));
  router.get('/mails', validate('query', MailsQuery), async (_req, res) => {
    res.json(await listMails(db, res.locals.query));
  });
  return router;
}
