import type { Db } from '@shop/db';
import type { Logger } from '@shop/logger';
import { inventoryTx } from '../data/inventory-tx.js';
import { expireReservations } from '../domain/expire-reservations.js';

export interface SweeperOptions {
  db: Db;
  logger: Logger;
  source: string;
  intervalMs: number;
  batchSize: number;
  /** Called after a sweep that expired something has committed (kicks the outbox relay). */
  onOutboxCommit: () => void;
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
  const { db, logger, intervalMs, batchSize } = options;
  const log = logger.child({ component: 'reservation-sweeper' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<string[]> | undefined;
  let stopped = false;

  async function sweepOnce(): Promise<string[]> {
    const expired = await db.transaction((trx) =>
      expireReservations(inventoryTx(trx, { source: options.source }), options.now?.() ?? new Date(), batchSize),
    );
    if (expired.length > 0) {
      log.info({ count: expired.length }, 'expired reservations released');
      options.onOutboxCommit();
    }
    return expired;
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(tick, delay);
    timer.unref();
  }

  function tick(): void {
    running = sweepOnce()
      .catch((err) => {
        log.warn({ err: (err as Error).message }, 'sweep failed; trying again next interval');
        return [];
      })
      .finally(() => (running = undefined));
    void running.then((expired) => schedule(expired.length === batchSize ? 0 : intervalMs));
  }

  schedule(intervalMs);
  return {
    sweepOnce,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
