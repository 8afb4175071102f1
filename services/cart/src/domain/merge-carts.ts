import { randomUUID } from 'node:crypto';
import { CartErrors, MAX_QUANTITY } from './cart-errors.js';
import type { CartView } from './price-cart.js';
import { guestActiveSince, type CartPolicy } from './resolve-cart.js';
import { viewCart } from './view-cart.js';
import type { Stores } from './ports.js';

/**
 * Folds a guest cart into the user's own (quantities summed, capped at 99) and deletes the
 * guest cart, in one transaction. Only a live guest cart can be merged: a user's cart id
 * (someone else's, or one's own) is not found, so merging cannot read another's cart.
 */
export async function mergeCarts(stores: Stores, userId: string, guestCartId: string, policy: CartPolicy): Promise<CartView> {
  return stores.transaction(async (tx) => {
    const guest = await tx.carts.findGuestForUpdate(guestCartId, guestActiveSince(policy));
    if (!guest) throw CartErrors.cartNotFound();
    const mine = await tx.carts.findOrCreateForUser(userId, randomUUID());
    await tx.carts.mergeLines(guest.id, mine.id, MAX_QUANTITY);
    await tx.carts.delete(guest.id);
    await tx.carts.touch(mine.id);
    return viewCart(tx, mine);
  });
}
