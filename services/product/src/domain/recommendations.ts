import { AppError } from '@shop/errors';
import type { PurchaseLedger, RecommendationDeps } from './ports.js';
import { tally, type ConfirmedOrder, type Recommendations } from './recommendation.js';

/**
 * "Bought together" from the co-purchase counts, then "similar" (same category, shared words)
 * without the products already shown. A product nobody bought yet gets similar products only,
 * the most ordered first among equals, so a new product still leads somewhere.
 */
export async function getRecommendations(deps: RecommendationDeps, productId: string, limit: number): Promise<{ recommendations: Recommendations; cached: boolean }> {
  const { value, hit } = await deps.cache.recommendations(productId, limit, async () => {
    // Over-fetch "similar" so that dropping the bought-together ones still fills the list.
    const [product, boughtTogether, similar] = await Promise.all([
      deps.products.findActive(productId),
      deps.recommendations.boughtTogether(productId, limit),
      deps.recommendations.similar(productId, 2 * limit),
    ]);
    if (!product) return null;
    const shown = new Set(boughtTogether.map((b) => b.product.id));
    return { productId, boughtTogether, similar: similar.filter((s) => !shown.has(s.product.id)).slice(0, limit) };
  });
  if (!value) throw AppError.notFound('Product');
  return { recommendations: value, cached: hit };
}

/**
 * Confirmed orders into the counts, each order once (whatever event id it came under), at most
 * `maxProducts` products per order. Resolves with the products whose bought-together list
 * changed, for the cache to drop once the transaction has committed. Orders of one product
 * change only its popularity, which no answer waits for: those ride the cache's TTL, so a
 * drop's thousands of single-product orders do not empty the cache.
 */
export async function countConfirmedOrders(ledger: PurchaseLedger, orders: readonly ConfirmedOrder[], maxProducts: number): Promise<string[]> {
  if (orders.length === 0) return [];
  const id = (o: ConfirmedOrder) => o.orderId.toLowerCase();
  const fresh = await ledger.claimOrders([...new Set(orders.map(id))]);
  // An order twice in one batch counts once, like an order seen in an earlier batch.
  const newOrders = orders.filter((o) => fresh.delete(id(o)));
  const added = tally(newOrders, maxProducts);
  await ledger.add(added);
  return [...new Set(added.pairs.map((p) => p.productId))];
}
