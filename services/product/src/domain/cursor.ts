import { AppError } from '@shop/errors';
import type { Product, Sort } from './product.js';

/**
 * Cursors are opaque to clients: base64url of the last item's sort key and id. They are
 * bound to the sort they were made for; using one with another sort is an error, since
 * the position would mean nothing there (http/cursor.ts reads them back).
 */
export function sortKeyOf(product: Product, sort: Sort): string | number {
  switch (sort) {
    case 'newest':
      return product.createdAt;
    case 'price_asc':
    case 'price_desc':
      return product.price;
    case 'name':
      return product.name;
  }
}

export function encodeCursor(product: Product, sort: Sort): string {
  const position = { s: sort, k: sortKeyOf(product, sort), id: product.id };
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** The cursor of a list in slug order (categories, creators): the last slug, base64url JSON. */
export const encodeSlugCursor = (slug: string) => Buffer.from(JSON.stringify({ slug }), 'utf8').toString('base64url');

export function decodeSlugCursor(cursor: string): string {
  try {
    const { slug } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { slug?: unknown };
    if (typeof slug === 'string' && slug.length > 0 && slug.length <= 100) return slug;
  } catch {
    // fall through to the 400 below
  }
  throw new AppError('INVALID_CURSOR', 'cursor is malformed');
}
