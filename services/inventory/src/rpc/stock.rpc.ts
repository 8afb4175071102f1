import { AppError } from '@shop/errors';
import { z } from 'zod';
import type { RpcApi } from '@shop/rpc';
import type { StockStore } from '../domain/ports.js';
import { getStockLevels } from '../domain/stock-levels.js';

/** As GET /api/inventory/:productId takes it (inventory.schemas.ts, ProductParams). */
const ProductId = z.guid();

/**
 * shop.inventory.v1.Stock (packages/contracts/proto/inventory.proto): the figure the order
 * service's sale gate seeds from, the same as GET /api/inventory/:productId.
 */
export function stockRpc(stock: StockStore): RpcApi<'inventory'> {
  return {
    api: 'inventory',
    handlers: {
      GetAvailability: async ({ productId }) => {
        if (!ProductId.safeParse(productId).success) throw AppError.badRequest('productId must be a UUID');
        const levels = await getStockLevels(stock, productId);
        return { productId: levels.productId, available: levels.available };
      },
    },
  };
}
