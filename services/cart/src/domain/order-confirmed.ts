import type { CartLine, Stores } from './ports.js';

/**
 * A confirmed order takes what it bought out of the buyer's cart. For the usual checkout
 * (the order was the cart) that empties it; something added after placing the order, or
 * more of a line than was bought, stays. Runs inside the consumer's inbox transaction,
 * so a redelivered event subtracts nothing twice.
 */
export async function removeOrderedItems(stores: Stores, userId: string, ordered: CartLine[]): Promise<void> {
  const cart = await stores.carts.findByUser(userId);
  if (!cart) return;
  const totals = new Map<string, number>();
  for (const l of ordered) totals.set(l.productId, (totals.get(l.productId) ?? 0) + l.quantity);
  await stores.carts.subtractLines(cart.id, [...totals].map(([productId, quantity]) => ({ productId, quantity })));
}
