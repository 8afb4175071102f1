import { CartErrors } from './cart-errors.js';
import type { CartView } from './price-cart.js';
import { viewCart } from './view-cart.js';
import type { Cart, Stores } from './ports.js';

/** Sets a line's quantity; 0 removes it. A line that is not there is a 404, not a silent add. */
export async function changeItem(stores: Stores, cart: Cart, productId: string, quantity: number): Promise<CartView> {
  return stores.transaction(async (tx) => {
    const found = quantity === 0
      ? await tx.carts.removeLine(cart.id, productId)
      : await tx.carts.setQuantity(cart.id, productId, quantity);
    if (!found) throw CartErrors.itemNotFound(productId);
    await tx.carts.touch(cart.id);
    return viewCart(tx, cart);
  });
}

/** Removes a line. Idempotent: removing what is not there answers with the cart as it is. */
export async function removeItem(stores: Stores, cart: Cart, productId: string): Promise<CartView> {
  return stores.transaction(async (tx) => {
    if (await tx.carts.removeLine(cart.id, productId)) await tx.carts.touch(cart.id);
    return viewCart(tx, cart);
  });
}
