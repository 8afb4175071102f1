import { Router } from '@shop/http';
import type { Auth } from '@shop/auth';
import type { Db } from '@shop/db';
import { tasksRouter } from '@shop/messaging';

/** Mounted at /api/cart/admin: operators see every consumed event's status. */
export function adminRoutes(db: Db, auth: Pick<Auth, 'requireRole'>): Router {
  const router = Router();
  router.use(auth.requireRole('admin'));
  router.use('/tasks', tasksRouter(db));
  return router;
}
