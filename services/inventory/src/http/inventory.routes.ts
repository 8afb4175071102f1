import { defineRoute, errorResponse, openApiDocument, type Route } from '@shop/http';
import type { Db } from '@shop/db';
import { tasksRoute } from '@shop/messaging';
import type { stockRepository } from '../data/stock.repository.js';
import { getStockLevels, setAvailableStock } from '../domain/stock-levels.js';
import type { StockLevels } from '../domain/ports.js';
import { Availability, ProductParams, SetAvailableBody, StockLevelsView } from './inventory.schemas.js';

export interface InventoryHttpDeps {
  db: Db;
  stock: ReturnType<typeof stockRepository>;
}

const view = (s: StockLevels) => ({
  productId: s.productId,
  available: s.available,
  reserved: s.reserved,
  sold: s.sold,
  added: s.added,
  deleted: s.deletedAt !== null,
  updatedAt: s.updatedAt.toISOString(),
});

const noStock = errorResponse('NOT_FOUND: no stock record for this product');

/** Everything under /api/inventory. Admin paths come first so `admin` is never read as a product id. */
export const inventoryRoutes: Array<Route<InventoryHttpDeps>> = [
  tasksRoute('/api/inventory/admin/tasks'),
  defineRoute(
    {
      method: 'get',
      path: '/api/inventory/admin/stock/:productId',
      summary: 'Full stock counts (admin)',
      auth: 'admin',
      request: { params: ProductParams },
      responses: { 200: { description: 'stock counts', schema: StockLevelsView }, 404: noStock },
    },
    async ({ params }, deps: InventoryHttpDeps) => view(await getStockLevels(deps.stock, params.productId)),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/inventory/:productId',
      summary: 'Units available to buy now',
      auth: 'public',
      request: { params: ProductParams },
      responses: { 200: { description: 'availability', schema: Availability }, 404: noStock },
    },
    async ({ params }, deps: InventoryHttpDeps) => {
      const levels = await getStockLevels(deps.stock, params.productId);
      return { productId: levels.productId, available: levels.available };
    },
  ),
  defineRoute(
    {
      method: 'put',
      path: '/api/inventory/:productId',
      summary: 'Set the available count (admin); reserved and sold units are untouched',
      auth: 'admin',
      request: { params: ProductParams, body: SetAvailableBody },
      responses: {
        200: { description: 'the stock after the change', schema: StockLevelsView },
        404: noStock,
        409: errorResponse('STOCK_OUT_OF_RANGE: available plus the reserved and sold units would pass the largest count'),
      },
    },
    async ({ params, body }, deps: InventoryHttpDeps) => view(await setAvailableStock(deps.stock, params.productId, body.available)),
  ),
];

/** The service's OpenAPI 3.1 document, generated from the routes above. */
export const inventoryDocument = () =>
  openApiDocument(
    {
      title: 'Inventory service',
      description: 'Stock per product. Invariants: available, reserved, sold >= 0 and added = available + reserved + sold.',
    },
    inventoryRoutes,
  );
