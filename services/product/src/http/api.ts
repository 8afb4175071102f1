import { openApiDocument, type Route } from '@shop/http';
import { tasksRoute } from '@shop/messaging';
import type { Db } from '@shop/db';
import type { CatalogDeps, RecommendationDeps } from '../domain/ports.js';
import { categoryRoutes } from './category.routes.js';
import { creatorRoutes } from './creator.routes.js';
import { productRoutes } from './product.routes.js';
import { recommendationRoutes } from './recommendation.routes.js';

export type ProductHttpDeps = CatalogDeps & { db: Db; recommendations: RecommendationDeps };

/** Every route of the service, in match order: admin paths before `/api/products/:id`. */
export const productApi: Array<Route<ProductHttpDeps>> = [
  tasksRoute('/api/products/admin/tasks'),
  ...productRoutes,
  ...recommendationRoutes,
  ...categoryRoutes,
  ...creatorRoutes,
];

/** The service's OpenAPI 3.1 document, generated from the routes. */
export const productDocument = () =>
  openApiDocument(
    { title: 'Product service', description: 'Catalog: products, categories and creators. Money is integer minor units plus an ISO 4217 currency.' },
    productApi,
  );
