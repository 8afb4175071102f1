import { guestActiveSince, type CartPolicy } from './resolve-cart.js';
import type { Stores } from './ports.js';

/** Physically deletes guest carts past their TTL (they are already invisible), in bounded batches. */
export async function sweepGuestCarts(stores: Stores, policy: CartPolicy, batch = 500, maxBatches = 100): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await stores.carts.deleteGuestsIdleSince(guestActiveSince(policy), batch);
    total += n;
    if (n < batch) break;
  }
  return total;
}
