import type { Db } from '@shop/db';
import { startLoop, type Loop } from '@shop/jobs';
import type { Logger } from '@shop/logger';
import { knexStores } from '../data/stores.js';
import { sweepGuestCarts } from '../domain/sweep-guest-carts.js';

/**
 * Deletes expired guest carts now and then. Expiry itself is enforced on every read, so
 * the sweeper only reclaims space; running it on every replica is harmless.
 */
export function startGuestCartSweeper(db: Db, logger: Logger, ttlDays: number, intervalMs: number): Loop {
  return startLoop({
    name: 'guest-cart-sweep',
    intervalMs,
    firstDelayMs: intervalMs,
    logger,
    tick: async () => {
      const n = await sweepGuestCarts(knexStores(db), { guestTtlDays: ttlDays });
      if (n > 0) logger.info({ deleted: n }, 'expired guest carts swept');
    },
  });
}
