import { defineRoute, errorResponse, type Route } from '@shop/http';
import { AppError } from '@shop/errors';
import { z } from 'zod';
import { createCreator, getCreator, listCreators, updateCreator } from '../domain/creators.js';
import type { CatalogDeps } from '../domain/ports.js';
import { CreateCreatorBody, IdParams, ListCreatorsQuery, UpdateCreatorBody } from './product.schemas.js';
import { CreatorPageSchema, CreatorSchema } from './responses.js';

const cacheHeader = z.object({ 'X-Cache': z.enum(['HIT', 'MISS']).describe('HIT when served from Redis, MISS when loaded from Postgres') });
/** A malformed id names no creator: 404, as for products. */
const badId = () => AppError.notFound('Creator');
const notFound = errorResponse('NOT_FOUND: no creator with this id (a malformed id included)');
const slugTaken = errorResponse('SLUG_TAKEN: another creator has this slug');

export const creatorRoutes: Array<Route<CatalogDeps>> = [
  defineRoute(
    {
      method: 'get',
      path: '/api/creators',
      summary: 'Every creator by slug (admin)',
      auth: 'admin',
      request: { query: ListCreatorsQuery },
      responses: { 200: { description: 'one page', schema: CreatorPageSchema }, 400: errorResponse('VALIDATION_FAILED or INVALID_CURSOR') },
    },
    ({ query }, deps: CatalogDeps) => listCreators(deps, query),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/creators',
      summary: 'Create a creator profile (admin); publishes creator.updated.v1 (version 1)',
      auth: 'admin',
      request: { body: CreateCreatorBody },
      responses: { 201: { description: 'created', schema: CreatorSchema }, 409: slugTaken },
    },
    async ({ body, req, res }, deps: CatalogDeps) => {
      const creator = await createCreator(deps, body, { correlationId: req.id });
      res.location(`/api/creators/${creator.id}`);
      return creator;
    },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/creators/:id',
      summary: "One creator's profile (cached)",
      auth: 'public',
      request: { params: IdParams },
      badParams: badId,
      responses: { 200: { description: 'the profile', schema: CreatorSchema, headers: cacheHeader }, 404: notFound },
    },
    async ({ params, res }, deps: CatalogDeps) => {
      const { creator, cached } = await getCreator(deps, params.id.toLowerCase());
      res.setHeader('X-Cache', cached ? 'HIT' : 'MISS');
      return creator;
    },
  ),
  defineRoute(
    {
      method: 'patch',
      path: '/api/creators/:id',
      summary: "Change a creator's profile (admin); publishes creator.updated.v1, which every product and cart line shows",
      auth: 'admin',
      request: { params: IdParams, body: UpdateCreatorBody },
      badParams: badId,
      responses: { 200: { description: 'updated', schema: CreatorSchema }, 404: notFound, 409: slugTaken },
    },
    ({ params, body, req }, deps: CatalogDeps) => updateCreator(deps, params.id.toLowerCase(), body, { correlationId: req.id }),
  ),
];
