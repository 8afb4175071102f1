import { openApiDocument, type Route } from '@shop/http';
import { dropRoutes, type DropRouteDeps } from './drops.routes.js';
import { orderRoutes, type OrderRouteDeps } from './orders.routes.js';

export type OrderHttpDeps = OrderRouteDeps & DropRouteDeps;

/** Every route of the service, in match order (admin and fixed paths before `:id`). */
export const orderApi: Array<Route<OrderHttpDeps>> = [...orderRoutes, ...dropRoutes];

/** The service's OpenAPI 3.1 document, generated from the routes. */
export const orderDocument = () =>
  openApiDocument(
    { title: 'Order service', description: 'Idempotent order placement behind the sale gate, and the drops waiting room; money in integer minor units.' },
    orderApi,
  );
