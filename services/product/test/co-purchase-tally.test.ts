import { describe, expect, it } from '@jest/globals';
import { countedProducts, tally } from '../src/domain/recommendation.js';

const A = 'aaaaaaaa-0000-4000-8000-000000000000';
const B = 'bbbbbbbb-0000-4000-8000-000000000000';
const C = 'cccccccc-0000-4000-8000-000000000000';
const D = 'dddddddd-0000-4000-8000-000000000000';
const order = (orderId: string, ...lines: Array<[string, number]>) => ({ orderId, lines: lines.map(([productId, quantity]) => ({ productId, quantity })) });

describe('co-purchase tally (pure rule)', () => {
  it('when an order names a product on two lines, then it counts once, with its units summed for the cap', () => {
    expect(countedProducts(order('o', [B, 1], [A, 1], [B, 1]), 5)).toEqual([B, A]);
    expect(countedProducts(order('o', [B, 1], [A, 1], [B, 1]), 1)).toEqual([B]);
  });

  it('when lines tie on units, then the id decides, so the same order always counts the same products', () => {
    expect(countedProducts(order('o', [D, 2], [C, 2], [A, 2], [B, 9]), 3)).toEqual([B, A, C]);
    expect(countedProducts(order('o', [A.toUpperCase(), 1]), 3)).toEqual([A]);
  });

  it('when orders are tallied, then each pair is counted in both directions, summed over the orders and sorted by key', () => {
    const t = tally([order('1', [A, 1], [B, 1]), order('2', [B, 1], [A, 3], [C, 1]), order('3', [C, 1])], 10);
    expect(t.sales).toEqual([{ productId: A, orders: 2 }, { productId: B, orders: 2 }, { productId: C, orders: 2 }]);
    expect(t.pairs).toEqual([
      { productId: A, otherId: B, orders: 2 },
      { productId: A, otherId: C, orders: 1 },
      { productId: B, otherId: A, orders: 2 },
      { productId: B, otherId: C, orders: 1 },
      { productId: C, otherId: A, orders: 1 },
      { productId: C, otherId: B, orders: 1 },
    ]);
  });

  it('when an order has fifty products, then the cap bounds its pair rows to n(n-1)', () => {
    const lines = Array.from({ length: 50 }, (_, i): [string, number] => [`${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`, 1 + (i % 7)]);
    const t = tally([order('big', ...lines)], 20);
    expect(t.sales).toHaveLength(20);
    expect(t.pairs).toHaveLength(20 * 19);
  });
});
