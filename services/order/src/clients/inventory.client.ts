import type { Logger } from '@shop/logger';
import type { RpcClient } from '@shop/rpc';
import type { StockSource } from '../domain/ports.js';

/**
 * Reads a product's available units over gRPC (shop.inventory.v1.Stock/GetAvailability).
 * Unknown answers are undefined, never a throw: the sale gate then lets Postgres decide.
 */
export class InventoryClient implements StockSource {
  constructor(
    private readonly rpc: Pick<RpcClient<'inventory'>, 'call'>,
    private readonly logger: Logger,
  ) {}

  async available(productId: string): Promise<number | undefined> {
    try {
      return (await this.rpc.call('GetAvailability', { productId })).available;
    } catch (err) {
      this.logger.warn({ productId, err: (err as Error).message, code: (err as { code?: string }).code }, 'inventory gave no stock figure');
      return undefined;
    }
  }
}
