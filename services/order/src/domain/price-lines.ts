import { AppError } from '@shop/errors';
import type { DbOrTx } from '@shop/db';
import { findProducts, type ProductSnapshot } from '../data/product-snapshot.repository.js';
import { unitsInOpenOrders } from '../data/order.repository.js';
import { OPEN_STATUSES } from './order-state.js';
import type { Line, PricedLine } from './types.js';

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
export async function priceLines(db: DbOrTx, lines: Line[]): Promise<Priced> {
  const products = await findProducts(db, lines.map((l) => l.productId));
  const unknown = lines.filter((l) => {
    const p = products.get(l.productId);
    return !p || p.deleted || p.status !== 'ACTIVE';
  });
  if (unknown.length > 0) {
    throw new AppError('UNKNOWN_PRODUCT', 'Some products cannot be ordered', 400, { productIds: unknown.map((l) => l.productId) });
  }
  const currencies = new Set(lines.map((l) => products.get(l.productId)!.currency));
  if (currencies.size > 1) throw new AppError('MIXED_CURRENCY', 'All items of an order must share one currency', 400);
  const priced = lines.map((l) => {
    const p = products.get(l.productId)!;
    return { productId: l.productId, quantity: l.quantity, name: p.name, unitPrice: p.price };
  });
  const total = priced.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  return { lines: priced, total, currency: [...currencies][0], products };
}

/** Per-customer cap: units in the user's open orders plus this order's, per product. */
export async function checkPurchaseCap(db: DbOrTx, userId: string, priced: Priced, defaultCap: number): Promise<void> {
  const held = await unitsInOpenOrders(db, userId, priced.lines.map((l) => l.productId), OPEN_STATUSES);
  for (const line of priced.lines) {
    const cap = priced.products.get(line.productId)?.maxPerCustomer ?? defaultCap;
    const already = held.get(line.productId) ?? 0;
    if (already + line.quantity > cap) {
      throw new AppError('PURCHASE_LIMIT_EXCEEDED', `At most ${cap} units of this product per customer`, 409, {
        productId: line.productId,
        cap,
        alreadyOrdered: already,
      });
    }
  }
}
