import { startLoop } from '@shop/jobs';
import type { Logger } from '@shop/logger';
import type { UnitOfWork } from '@shop/messaging';
import { inventoryTx } from '../data/inventory-tx.js';
import { expireReservations } from '../domain/expire-reservations.js';
import { reservationsExpired } from '../metrics.js';

export interface SweeperOptions {
  /** Each sweep is one unit of work: the releases and their events commit together, then the relay is kicked. */
  uow: UnitOfWork;
  logger: Logger;
  intervalMs: number;
  batchSize: number;
  now?: () => Date;
}

export interface Sweeper {
  /** One sweep now; resolves with the order ids it expired. */
  sweepOnce(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Every replica runs one. A sweep claims due reservations with SKIP LOCKED, so replicas
 * share the work and never expire the same reservation twice; a full batch sweeps again
 * at once instead of waiting for the next interval.
 */
export function startSweeper(options: SweeperOptions): Sweeper {
  const { uow, logger, intervalMs, batchSize } = options;
  const log = logger.child({ component: 'reservation-sweeper' });

  async function sweepOnce(): Promise<string[]> {
    const expired = await uow.run((tx) => expireReservations(inventoryTx(tx), options.now?.() ?? new Date(), batchSize));
    if (expired.length > 0) {
      reservationsExpired.inc(expired.length);
      log.info({ count: expired.length }, 'expired reservations released');
    }
    return expired;
  }

  const loop = startLoop({
    name: 'reservation-sweeper',
    intervalMs,
    firstDelayMs: intervalMs,
    logger: log,
    tick: async () => (await sweepOnce()).length === batchSize,
  });
  return { sweepOnce, stop: loop.stop };
}
