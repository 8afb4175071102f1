import { randomUUID } from 'node:crypto';
import { CartErrors } from './cart-errors.js';
import type { Cart, Stores } from './ports.js';

/** Who is asking: a signed-in user, and/or the holder of a guest cart id. */
export interface CartOwner {
  userId?: string;
  guestCartId?: string;
}

export interface CartPolicy {
  guestTtlDays: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const guestActiveSince = (policy: CartPolicy, now = new Date()): Date =>
  new Date(now.getTime() - policy.guestTtlDays * 86_400_000);

/**
 * The cart a request acts on. A signed-in user always gets their own cart (made on first
 * use), even when a guest cart id rides along. Without a user, only a live guest cart can
 * be reached: a user's cart id in X-Cart-Id is as unknown as a made-up one, so nobody can
 * read or change someone else's cart by learning its id.
 */
export async function resolveCart(stores: Stores, owner: CartOwner, policy: CartPolicy): Promise<Cart> {
  if (owner.userId) return stores.carts.findOrCreateForUser(owner.userId, randomUUID());
  if (!owner.guestCartId || !UUID.test(owner.guestCartId)) throw CartErrors.cartNotFound();
  const cart = await stores.carts.findGuest(owner.guestCartId.toLowerCase(), guestActiveSince(policy));
  if (!cart) throw CartErrors.cartNotFound();
  // Reading keeps a guest cart alive too, but one write an hour is plenty for a 7-day TTL.
  await stores.carts.touch(cart.id, 3_600);
  return cart;
}

export async function createGuestCart(stores: Stores): Promise<{ id: string }> {
  const cart = await stores.carts.createGuest(randomUUID());
  return { id: cart.id };
}
