import type { Db } from '@shop/db';
import type { Logger } from '@shop/logger';
import { knexStores } from '../data/stores.js';
import { sweepGuestCarts } from '../domain/sweep-guest-carts.js';

/**
 * Deletes expired guest carts now and then. Expiry itself is enforced on every read, so
 * the sweeper only reclaims space; running it on every replica is harmless.
 */
export function startGuestCartSweeper(db: Db, logger: Logger, ttlDays: number, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= sweepGuestCarts(knexStores(db), { guestTtlDays: ttlDays })
      .then((n) => { if (n > 0) logger.info({ deleted: n }, 'expired guest carts swept'); })
      .catch((err) => logger.warn({ err: (err as Error).message }, 'guest cart sweep failed'))
      .finally(() => { running = undefined; });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
