import { describe, it, expect } from '@jest/globals';
import { normaliseLines } from '../src/domain/lines.js';

describe('normaliseLines', () => {
  it('when a product appears twice, then its quantities are summed into one line', () => {
    const p = '5b0e4c57-0000-4000-8000-000000000001';
    expect(normaliseLines([{ productId: p, quantity: 2 }, { productId: p, quantity: 3 }])).toEqual([{ productId: p, quantity: 5 }]);
  });

  it('when lines come in any order or case, then they come out in the order Postgres sorts uuids', () => {
    const ids = ['F0000000-0000-4000-8000-000000000000', '0a000000-0000-4000-8000-000000000000', 'b0000000-0000-4000-8000-000000000000'];
    expect(normaliseLines(ids.map((productId) => ({ productId, quantity: 1 }))).map((l) => l.productId)).toEqual([
      '0a000000-0000-4000-8000-000000000000',
      'b0000000-0000-4000-8000-000000000000',
      'f0000000-0000-4000-8000-000000000000',
    ]);
  });
});
