import { defineRoute, errorResponse, type Response, type Route } from '@shop/http';
import { AppError } from '@shop/errors';
import { z } from 'zod';
import { getProduct, listProducts } from '../domain/browse-products.js';
import { createProduct } from '../domain/create-products.js';
import { deleteProduct, updateProduct } from '../domain/change-product.js';
import { decodeCursor } from './cursor.js';
import type { CatalogDeps } from '../domain/ports.js';
import type { ProductPatch } from '../domain/product.js';
import { CreateProductBody, IdParams, ListProductsQuery, UpdateProductBody } from './product.schemas.js';
import { ProductPageSchema, ProductSchema, productPageView, productView } from './responses.js';

const xCache = (res: Response, hit: boolean) => res.setHeader('X-Cache', hit ? 'HIT' : 'MISS');
const cacheHeader = z.object({ 'X-Cache': z.enum(['HIT', 'MISS']).describe('HIT when served from Redis, MISS when loaded from Postgres') });
/** A malformed id names no product: 404, the same answer as a well-formed unknown one. */
const badId = () => AppError.notFound('Product');
const notFound = errorResponse('NOT_FOUND: no live product with this id (a malformed id included)');
const writeErrors = { 400: errorResponse('VALIDATION_FAILED, CATEGORY_NOT_FOUND or CREATOR_NOT_FOUND'), 409: errorResponse('SKU_TAKEN') };

export const productRoutes: Array<Route<CatalogDeps>> = [
  defineRoute(
    {
      method: 'get',
      path: '/api/products',
      summary: 'Search and browse live products (cached)',
      auth: 'public',
      request: { query: ListProductsQuery },
      responses: {
        200: { description: 'one page', schema: ProductPageSchema, headers: cacheHeader },
        400: errorResponse('VALIDATION_FAILED or INVALID_CURSOR'),
      },
    },
    async ({ query: { cursor, ...query }, res }, deps: CatalogDeps) => {
      const after = cursor === undefined ? undefined : decodeCursor(cursor, query.sort);
      const { page, cached } = await listProducts(deps, { ...query, after });
      xCache(res, cached);
      return productPageView(page);
    },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/products/:id',
      summary: 'One live product (cached)',
      auth: 'public',
      request: { params: IdParams },
      badParams: badId,
      responses: { 200: { description: 'the product', schema: ProductSchema, headers: cacheHeader }, 404: notFound },
    },
    async ({ params, res }, deps: CatalogDeps) => {
      const { product, cached } = await getProduct(deps, params.id.toLowerCase());
      xCache(res, cached);
      return productView(product);
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/products',
      summary: 'Create a product (admin); publishes product.created.v1 with initialStock',
      auth: 'admin',
      request: { body: CreateProductBody },
      responses: { 201: { description: 'created', schema: ProductSchema }, ...writeErrors },
    },
    async ({ body, req, res }, deps: CatalogDeps) => {
      const product = await createProduct(deps, body, { correlationId: req.id });
      res.location(`/api/products/${product.id}`);
      return productView(product);
    },
  ),
  defineRoute(
    {
      method: 'patch',
      path: '/api/products/:id',
      summary: 'Change a product (admin); publishes product.updated.v1',
      auth: 'admin',
      request: { params: IdParams, body: UpdateProductBody },
      badParams: badId,
      responses: { 200: { description: 'updated', schema: ProductSchema }, ...writeErrors, 404: notFound },
    },
    async ({ params, body, req }, deps: CatalogDeps) => {
      const patch: ProductPatch = body;
      return productView(await updateProduct(deps, params.id.toLowerCase(), patch, { correlationId: req.id }));
    },
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/api/products/:id',
      summary: 'Soft-delete a product (admin); publishes product.deleted.v1',
      auth: 'admin',
      request: { params: IdParams },
      badParams: badId,
      responses: { 204: { description: 'deleted' }, 404: notFound },
    },
    async ({ params, req }, deps: CatalogDeps) => {
      await deleteProduct(deps, params.id.toLowerCase(), { correlationId: req.id });
    },
  ),
];
