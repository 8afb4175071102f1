import type { FailFast } from '@shop/http';
import type { Logger } from '@shop/logger';
import type { RpcClient } from '@shop/rpc';
import type { StockSource } from '../domain/ports.js';
import { peerBreaker, peerFailed } from './peer-breaker.js';

/** Any product id: NOT_FOUND for it says inventory answers. */
const PROBE_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Reads a product's available units over gRPC (shop.inventory.v1.Stock/GetAvailability).
 * Unknown answers are undefined, never a throw: the sale gate then lets Postgres decide.
 *
 * Its one caller on the order path is the gate seeding a product's counter, which goes on
 * without it, so a slow inventory must not make every order of that product wait the call's
 * deadline: after two failures in a row and an unanswered probe nothing is asked until a probe
 * is answered (`peerBreaker`, fault R11).
 */
export class InventoryClient implements StockSource {
  private readonly breaker: FailFast;

  constructor(
    private readonly rpc: Pick<RpcClient<'inventory'>, 'call'>,
    private readonly logger: Logger,
  ) {
    this.breaker = peerBreaker('inventory', logger, () => rpc.call('GetAvailability', { productId: PROBE_ID }));
  }

  async available(productId: string): Promise<number | undefined> {
    try {
      return (await this.breaker.run(() => this.rpc.call('GetAvailability', { productId }), peerFailed)).available;
    } catch (err) {
      if (!this.breaker.open) this.logger.warn({ productId, err: (err as Error).message, code: (err as { code?: string }).code }, 'inventory gave no stock figure');
      return undefined;
    }
  }
}
