import { z } from 'zod';
import type { Logger } from '@shop/logger';
import type { StockSource } from '../domain/ports.js';

const Stock = z.object({ available: z.number().int() });

/** Reads GET {INVENTORY_URL}/api/inventory/:productId. Unknown answers are undefined, never a throw. */
export class InventoryClient implements StockSource {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async available(productId: string): Promise<number | undefined> {
    try {
      const res = await fetch(new URL(`/api/inventory/${encodeURIComponent(productId)}`, this.baseUrl), {
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: { accept: 'application/json' },
      });
      if (!res.ok) {
        this.logger.warn({ productId, status: res.status }, 'inventory gave no stock figure');
        return undefined;
      }
      const parsed = Stock.safeParse(await res.json());
      return parsed.success ? parsed.data.available : undefined;
    } catch (err) {
      this.logger.warn({ productId, err: (err as Error).message }, 'inventory unreachable');
      return undefined;
    }
  }
}
