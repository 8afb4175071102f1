import { AppError } from '@shop/errors';
import { defineRoute, errorResponse, type Route } from '@shop/http';
import { z } from 'zod';
import { getRecommendations } from '../domain/recommendations.js';
import type { CatalogDeps, RecommendationDeps } from '../domain/ports.js';
import { IdParams, RecommendationsQuery } from './product.schemas.js';
import { RecommendationsSchema } from './responses.js';

const cacheHeader = z.object({ 'X-Cache': z.enum(['HIT', 'MISS']).describe('HIT when served from Redis, MISS when computed from Postgres') });

export const recommendationRoutes: Array<Route<CatalogDeps & { recommendations: RecommendationDeps }>> = [
  defineRoute(
    {
      method: 'get',
      path: '/api/products/:id/recommendations',
      summary: 'Bought together (from confirmed orders) and similar products (same category, shared words); cached',
      description:
        'Public and the same for everyone (micro-cached at the edge). `boughtTogether` counts confirmed orders that had both products; ' +
        '`similar` ranks live products of the same category and with words of this name, then the most ordered. ' +
        'A product nobody bought yet has an empty `boughtTogether` and its similar products.',
      auth: 'public',
      request: { params: IdParams, query: RecommendationsQuery },
      // A malformed id names no product: 404, as GET /api/products/:id answers it.
      badParams: () => AppError.notFound('Product'),
      responses: {
        200: { description: 'the recommendations', schema: RecommendationsSchema, headers: cacheHeader },
        400: errorResponse('VALIDATION_FAILED: limit is not 1-20, or an unknown query parameter'),
        404: errorResponse('NOT_FOUND: no live product with this id (a malformed id included)'),
      },
    },
    async ({ params, query, res }, deps) => {
      const { recommendations, cached } = await getRecommendations(deps.recommendations, params.id.toLowerCase(), query.limit);
      res.setHeader('X-Cache', cached ? 'HIT' : 'MISS');
      return recommendations;
    },
  ),
];
