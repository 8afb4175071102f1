import { CartErrors, MAX_QUANTITY } from './cart-errors.js';
import { isPurchasable, type CartView } from './price-cart.js';
import { viewCart } from './view-cart.js';
import type { Cart, Stores } from './ports.js';

export interface AddItemInput {
  productId: string;
  quantity: number;
}

/**
 * Adds to the product's line (or starts one), capped at 99. Only a product that is for
 * sale now can be added, and a cart holds one currency so its subtotal means something.
 */
export async function addItem(stores: Stores, cart: Cart, input: AddItemInput, maxLines: number): Promise<CartView> {
  return stores.transaction(async (tx) => {
    const [product] = await tx.products.find([input.productId]);
    if (!isPurchasable(product)) throw CartErrors.productNotFound(input.productId);

    const current = await viewCart(tx, cart);
    const other = current.items.find((i) => i.productId !== input.productId);
    if (other && other.currency !== product.currency) throw CartErrors.currencyMismatch(other.currency, product.currency);
    if (!(await tx.carts.hasLine(cart.id, input.productId)) && (await tx.carts.countLines(cart.id)) >= maxLines) {
      throw CartErrors.cartFull(maxLines);
    }

    await tx.carts.addQuantity(cart.id, input.productId, input.quantity, MAX_QUANTITY);
    await tx.carts.touch(cart.id);
    return viewCart(tx, cart);
  });
}
