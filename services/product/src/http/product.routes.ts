import { Router, parseOrThrow, validate, type RequestHandler, type Response } from '@shop/http';
import { AppError } from '@shop/errors';
import { getProduct, listProducts } from '../domain/browse-products.js';
import { createProduct } from '../domain/create-products.js';
import { deleteProduct, updateProduct } from '../domain/change-product.js';
import { decodeCursor } from '../domain/cursor.js';
import type { CatalogDeps } from '../domain/ports.js';
import type { ProductPatch, Sort } from '../domain/product.js';
import { CreateProductBody, IdParams, ListProductsQuery, UpdateProductBody } from './product.schemas.js';

const xCache = (res: Response, hit: boolean) => res.setHeader('X-Cache', hit ? 'HIT' : 'MISS');

/** A malformed id names no product: 404, the same answer as a well-formed unknown one. */
function productId(raw: string): string {
  const parsed = IdParams.safeParse({ id: raw });
  if (!parsed.success) throw AppError.notFound('Product');
  return parsed.data.id.toLowerCase();
}

export function productRoutes(deps: CatalogDeps, adminOnly: RequestHandler[]): Router {
  const router = Router();

  router.get('/', validate('query', ListProductsQuery), async (_req, res) => {
    const { cursor, ...query } = res.locals.query as { cursor?: string; sort: Sort; limit: number };
    const after = cursor === undefined ? undefined : decodeCursor(cursor, query.sort);
    const { page, cached } = await listProducts(deps, { ...query, after });
    xCache(res, cached);
    res.json(page);
  });

  router.get('/:id', async (req, res) => {
    const { product, cached } = await getProduct(deps, productId(String(req.params.id)));
    xCache(res, cached);
    res.json(product);
  });

  router.post('/', ...adminOnly, validate('body', CreateProductBody), async (req, res) => {
    const product = await createProduct(deps, res.locals.body, { correlationId: req.id });
    res.status(201).location(`/api/products/${product.id}`).json(product);
  });

  router.patch('/:id', ...adminOnly, async (req, res) => {
    const id = productId(String(req.params.id));
    const patch: ProductPatch = parseOrThrow(UpdateProductBody, req.body ?? {});
    res.json(await updateProduct(deps, id, patch, { correlationId: req.id }));
  });

  router.delete('/:id', ...adminOnly, async (req, res) => {
    await deleteProduct(deps, productId(String(req.params.id)), { correlationId: req.id });
    res.status(204).end();
  });

  return router;
}
