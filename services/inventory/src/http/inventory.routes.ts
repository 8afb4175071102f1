import { Router, validate } from '@shop/http';
import type { Auth } from '@shop/auth';
import type { Db } from '@shop/db';
import { tasksRouter } from '@shop/messaging';
import { stockRepository } from '../data/stock.repository.js';
import { getStockLevels, setAvailableStock } from '../domain/stock-levels.js';
import type { StockLevels } from '../domain/ports.js';
import { ProductParams, SetAvailableBody, type SetAvailableInput } from './inventory.schemas.js';

const view = (s: StockLevels) => ({
  productId: s.productId,
  available: s.available,
  reserved: s.reserved,
  sold: s.sold,
  added: s.added,
  deleted: s.deletedAt !== null,
  updatedAt: s.updatedAt.toISOString(),
});

/** Everything under /api/inventory. Admin paths come first so `admin` is never read as a product id. */
export function inventoryRoutes(deps: { db: Db; auth: Auth }): Router {
  const { db, auth } = deps;
  const stock = stockRepository(db);
  const router = Router();
  const admin = auth.requireRole('admin');

  router.use('/admin/tasks', admin, tasksRouter(db));

  router.get('/admin/stock/:productId', admin, validate('params', ProductParams), async (_req, res) => {
    res.json(view(await getStockLevels(stock, res.locals.params.productId)));
  });

  router.get('/:productId', validate('params', ProductParams), async (_req, res) => {
    const levels = await getStockLevels(stock, res.locals.params.productId);
    res.json({ productId: levels.productId, available: levels.available });
  });

  router.put('/:productId', admin, validate('params', ProductParams), validate('body', SetAvailableBody), async (_req, res) => {
    const body = res.locals.body as SetAvailableInput;
    res.json(view(await setAvailableStock(stock, res.locals.params.productId, body.available)));
  });

  return router;
}
