import { AppError } from '@shop/errors';
import { OPEN_STATUSES } from './order-state.js';
import type { OrderStore, ProductStore } from './ports.js';
import type { Line, PricedLine, ProductSnapshot } from './types.js';

export interface Priced {
  lines: PricedLine[];
  total: number;
  currency: string;
  products: Map<string, ProductSnapshot>;
}

/**
 * Prices lines from this service's own product snapshot. An unknown, deleted or not-ACTIVE
 * product is a 400 UNKNOWN_PRODUCT: the request named something that cannot be bought,
 * which is a fault in the body, not a missing resource at this URL.
 */
export async function priceLines(products: ProductStore, lines: Line[]): Promise<Priced> {
  const found = await products.find(lines.map((l) => l.productId));
  const unknown = lines.filter((l) => {
    const p = found.get(l.productId);
    return !p || p.deleted || p.status !== 'ACTIVE';
  });
  if (unknown.length > 0) {
    throw new AppError('UNKNOWN_PRODUCT', 'Some products cannot be ordered', { details: { productIds: unknown.map((l) => l.productId) } });
  }
  const currencies = new Set(lines.map((l) => found.get(l.productId)!.currency));
  if (currencies.size > 1) throw new AppError('MIXED_CURRENCY', 'All items of an order must share one currency');
  const priced = lines.map((l) => {
    const p = found.get(l.productId)!;
    return { productId: l.productId, quantity: l.quantity, name: p.name, unitPrice: p.price };
  });
  const total = priced.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  return { lines: priced, total, currency: [...currencies][0], products: found };
}

/**
 * Per-customer cap: units in the user's open orders plus this order's, per product. A product
 * whose `maxPerCustomer` is null has no cap (what null means in the event contract).
 */
export async function checkPurchaseCap(orders: OrderStore, userId: string, priced: Priced): Promise<void> {
  const capped = priced.lines.filter((l) => priced.products.get(l.productId)?.maxPerCustomer != null);
  if (capped.length === 0) return;
  const held = await orders.unitsOrdered(userId, capped.map((l) => l.productId), OPEN_STATUSES);
  for (const line of capped) {
    const cap = priced.products.get(line.productId)!.maxPerCustomer!;
    const already = held.get(line.productId) ?? 0;
    if (already + line.quantity > cap) {
      throw new AppError('PURCHASE_LIMIT_EXCEEDED', `At most ${cap} units of this product per customer`, {
        details: { productId: line.productId, cap, alreadyOrdered: already },
      });
    }
  }
}
