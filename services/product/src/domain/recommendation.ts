/** The vocabulary of recommendations, and the pure rule that turns an order into counts. */

/** What a recommendation shows of a product: enough for a tile, not the whole record. */
export interface ProductSummary {
  id: string;
  sku: string;
  name: string;
  price: number;
  currency: string;
  categoryId: string | null;
  imageUrl: string | null;
}

export interface BoughtTogether {
  product: ProductSummary;
  /** Confirmed orders that had both products. */
  orders: number;
}

export interface Similar {
  product: ProductSummary;
  sameCategory: boolean;
  /** Its name or description shares words with the product's name. */
  textMatch: boolean;
  /** Confirmed orders that had it (the tie-break: popular first). */
  orders: number;
}

export interface Recommendations {
  productId: string;
  boughtTogether: BoughtTogether[];
  similar: Similar[];
}

export interface ConfirmedOrder {
  orderId: string;
  lines: ReadonlyArray<{ productId: string; quantity: number }>;
}

/** What a set of newly counted orders adds: one per product, and one per ordered pair (both directions). */
export interface PurchaseTally {
  sales: Array<{ productId: string; orders: number }>;
  pairs: Array<{ productId: string; otherId: string; orders: number }>;
}

/**
 * The products an order counts for: each product once, the biggest lines first (ties by id,
 * so the same order always gives the same set), at most `maxProducts`. The cap bounds the
 * work per event: n products make n(n-1) pair rows, so 20 make at most 380.
 */
export function countedProducts(order: ConfirmedOrder, maxProducts: number): string[] {
  const units = new Map<string, number>();
  for (const line of order.lines) {
    const id = line.productId.toLowerCase();
    units.set(id, (units.get(id) ?? 0) + line.quantity);
  }
  return [...units.entries()]
    .sort(([a, qa], [b, qb]) => qb - qa || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, maxProducts)
    .map(([id]) => id);
}

const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * The counts that orders add, summed per row and sorted by key: one upsert statement per
 * table may touch each row only once, and two batches that take rows in the same order
 * cannot deadlock on them.
 */
export function tally(orders: readonly ConfirmedOrder[], maxProducts: number): PurchaseTally {
  const sales = new Map<string, number>();
  const pairs = new Map<string, number>();
  for (const order of orders) {
    const ids = countedProducts(order, maxProducts);
    for (const a of ids) {
      sales.set(a, (sales.get(a) ?? 0) + 1);
      for (const b of ids) if (a !== b) pairs.set(`${a}/${b}`, (pairs.get(`${a}/${b}`) ?? 0) + 1);
    }
  }
  return {
    sales: [...sales.entries()].map(([productId, n]) => ({ productId, orders: n })).sort(byKey((s) => s.productId)),
    pairs: [...pairs.entries()]
      .map(([key, n]) => {
        const [productId, otherId] = key.split('/');
        return { productId, otherId, orders: n };
      })
      .sort(byKey((p) => `${p.productId}/${p.otherId}`)),
  };
}
