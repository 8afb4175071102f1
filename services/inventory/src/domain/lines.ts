import type { Line } from './ports.js';

/**
 * One line per product, quantities summed, in product id order. Every flow that touches
 * several stock rows walks them in this order, so two transactions can never wait on
 * each other in a circle (no deadlocks).
 */
export function normaliseLines(items: readonly Line[]): Line[] {
  const byProduct = new Map<string, number>();
  for (const { productId, quantity } of items) {
    const id = productId.toLowerCase(); // Postgres orders uuids like lowercase hex strings
    byProduct.set(id, (byProduct.get(id) ?? 0) + quantity);
  }
  return [...byProduct.entries()]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}
