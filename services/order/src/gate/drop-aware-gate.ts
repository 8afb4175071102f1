import type { Logger } from '@shop/logger';
import type { GateResult, PreCheck, StockGate } from '../domain/ports.js';
import type { DropDirectory, DropQueue } from '../domain/drop-ports.js';
import type { Line } from '../domain/types.js';

/**
 * The sale gate as the order outcomes see it: when an order of a drop's product ends without a
 * sale (rejected, cancelled, expired), its units go back to the gate AND to the drop, which
 * admits the next buyer at once. Everything else is the plain gate.
 */
export class DropAwareGate implements StockGate {
  constructor(
    private readonly gate: StockGate,
    private readonly directory: DropDirectory,
    private readonly queue: DropQueue,
    private readonly logger: Logger,
  ) {}

  preCheck(userId: string, key: string, lines: Line[]): Promise<PreCheck> {
    return this.gate.preCheck(userId, key, lines);
  }

  markKey(userId: string, key: string, ttlSeconds: number): Promise<boolean> {
    return this.gate.markKey(userId, key, ttlSeconds);
  }

  take(lines: Line[]): Promise<GateResult> {
    return this.gate.take(lines);
  }

  async giveBack(lines: Line[]): Promise<void> {
    await this.gate.giveBack(lines);
    for (const line of lines) {
      const dropId = this.directory.dropForProduct(line.productId);
      if (!dropId) continue;
      await this.queue.giveBack(dropId, line.quantity).catch((err: Error) => {
        // Units stay out of the drop's count: it may end with them unsold, never oversold.
        this.logger.warn({ err: err.message, dropId }, 'could not give units back to a drop');
      });
    }
  }
}
