import { priceCart, type CartView } from './price-cart.js';
import type { Cart, Stores } from './ports.js';

export async function viewCart(stores: Stores, cart: Cart): Promise<CartView> {
  const lines = await stores.carts.lines(cart.id);
  const snapshots = lines.length ? await stores.products.find(lines.map((l) => l.productId)) : [];
  return priceCart(cart, lines, snapshots);
}
