import { defineRoute, errorResponse, type Route } from '@shop/http';
import { z } from 'zod';
import { createCategory, listCategories } from '../domain/categories.js';
import type { CatalogDeps } from '../domain/ports.js';
import { CreateCategoryBody, ListCategoriesQuery } from './product.schemas.js';
import { CategoryPageSchema, CategorySchema } from './responses.js';

const cacheHeader = z.object({ 'X-Cache': z.enum(['HIT', 'MISS']).describe('HIT when served from Redis, MISS when loaded from Postgres') });

export const categoryRoutes: Array<Route<CatalogDeps>> = [
  defineRoute(
    {
      method: 'get',
      path: '/api/categories',
      summary: 'Categories by slug (cached)',
      auth: 'public',
      request: { query: ListCategoriesQuery },
      responses: {
        200: { description: 'one page', schema: CategoryPageSchema, headers: cacheHeader },
        400: errorResponse('VALIDATION_FAILED or INVALID_CURSOR'),
      },
    },
    async ({ query, res }, deps: CatalogDeps) => {
      const { page, cached } = await listCategories(deps, query);
      res.setHeader('X-Cache', cached ? 'HIT' : 'MISS');
      return page;
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/categories',
      summary: 'Create a category (admin)',
      auth: 'admin',
      request: { body: CreateCategoryBody },
      responses: { 201: { description: 'created', schema: CategorySchema }, 409: errorResponse('SLUG_TAKEN') },
    },
    (ctx, deps: CatalogDeps) => createCategory(deps, ctx.body),
  ),
];
