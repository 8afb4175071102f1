import { Router, validate, type RequestHandler } from '@shop/http';
import { createCategory, listCategories } from '../domain/categories.js';
import type { CatalogDeps } from '../domain/ports.js';
import { CreateCategoryBody, ListCategoriesQuery } from './product.schemas.js';

export function categoryRoutes(deps: CatalogDeps, adminOnly: RequestHandler[]): Router {
  const router = Router();

  router.get('/', validate('query', ListCategoriesQuery), async (_req, res) => {
    const { page, cached } = await listCategories(deps, res.locals.query);
    res.setHeader('X-Cache', cached ? 'HIT' : 'MISS');
    res.json(page);
  });

  router.post('/', ...adminOnly, validate('body', CreateCategoryBody), async (_req, res) => {
    const category = await createCategory(deps, res.locals.body);
    res.status(201).json(category);
  });

  return router;
}
