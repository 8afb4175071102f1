import type { Cart, CartLine, CreatorSnapshot, ProductSnapshot } from './ports.js';

export interface CartItemView {
  productId: string;
  name: string;
  /** The brand or person behind the product, as its profile is now; null: none. */
  creator: CreatorSnapshot | null;
  unitPrice: number;
  currency: string;
  quantity: number;
  lineTotal: number;
}

export interface CartView {
  id: string;
  items: CartItemView[];
  subtotal: number;
  currency: string | null;
  itemCount: number;
}

export const isPurchasable = (p: ProductSnapshot | undefined): p is ProductSnapshot =>
  p !== undefined && !p.deleted && p.status === 'ACTIVE';

/**
 * Prices a cart from the current snapshots, never from anything stored with the line.
 * Lines whose product is no longer for sale are left out (and out of the subtotal).
 */
export function priceCart(cart: Cart, lines: CartLine[], snapshots: ProductSnapshot[]): CartView {
  const byId = new Map(snapshots.map((s) => [s.id, s]));
  const items: CartItemView[] = [];
  for (const line of lines) {
    const product = byId.get(line.productId);
    if (!isPurchasable(product)) continue;
    items.push({
      productId: line.productId,
      name: product.name,
      creator: product.creator,
      unitPrice: product.price,
      currency: product.currency,
      quantity: line.quantity,
      lineTotal: product.price * line.quantity,
    });
  }
  return {
    id: cart.id,
    items,
    subtotal: items.reduce((sum, i) => sum + i.lineTotal, 0),
    currency: items[0]?.currency ?? null,
    itemCount: items.reduce((sum, i) => sum + i.quantity, 0),
  };
}
