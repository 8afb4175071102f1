import { describe, expect, it } from '@jest/globals';
import { encodeCursor } from '../src/domain/cursor.js';
import { decodeCursor } from '../src/http/cursor.js';
import type { Product } from '../src/domain/product.js';

const product: Product = {
  id: '3f1c2a9e-8d4b-4c6e-9a7f-1b2c3d4e5f60', sku: 'A', name: 'Zip Hoodie', description: null, price: 4999, currency: 'EUR',
  categoryId: null, imageUrl: null, maxPerCustomer: null, creatorId: null, creator: null, status: 'active', createdAt: '2030-01-01T00:00:00.123Z', updatedAt: '2030-01-01T00:00:00.123Z',
};

describe('cursor', () => {
  it('when a cursor is decoded with its own sort, then it gives back the sort key and id', () => {
    expect(decodeCursor(encodeCursor(product, 'price_desc'), 'price_desc')).toEqual({ sort: 'price_desc', key: 4999, id: product.id });
    expect(decodeCursor(encodeCursor(product, 'newest'), 'newest')).toEqual({ sort: 'newest', key: product.createdAt, id: product.id });
    expect(decodeCursor(encodeCursor(product, 'name'), 'name').key).toBe('Zip Hoodie');
  });

  it('when a cursor is used with another sort or tampered with, then INVALID_CURSOR', () => {
    const cursor = encodeCursor(product, 'price_asc');
    const tampered = Buffer.from(JSON.stringify({ s: 'price_asc', k: 'x', id: product.id })).toString('base64url');
    for (const [c, sort] of [[cursor, 'name'], [tampered, 'price_asc'], ['!!', 'newest'], ['bnVsbA', 'newest']] as const) {
      expect(() => decodeCursor(c, sort)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR', status: 400 }));
    }
  });
});
