import { AppError } from '@shop/errors';
import { SORTS, type CursorPosition, type Product, type Sort } from './product.js';

/**
 * Cursors are opaque to clients: base64url of the last item's sort key and id. They are
 * bound to the sort they were made for; using one with another sort is an error, since
 * the position would mean nothing there.
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(): AppError {
  return new AppError('INVALID_CURSOR', 'cursor is malformed or belongs to another sort');
}

export function decodeCursor(cursor: string, sort: Sort): CursorPosition {
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(cursor)) throw invalid();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof raw !== 'object' || raw === null) throw invalid();
  const { s, k, id } = raw as Record<string, unknown>;
  if (typeof s !== 'string' || !(SORTS as readonly string[]).includes(s) || s !== sort) throw invalid();
  if (typeof id !== 'string' || !UUID.test(id)) throw invalid();
  if (sort === 'price_asc' || sort === 'price_desc') {
    if (typeof k !== 'number' || !Number.isSafeInteger(k)) throw invalid();
  } else if (sort === 'newest') {
    // Only what encodeCursor writes (toISOString): "2024-02-30T..." or a bare year would
    // reach Postgres as a timestamp it refuses, a 500 instead of a 400.
    if (typeof k !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(k) || new Date(k).toISOString() !== k) throw invalid();
  } else if (typeof k !== 'string' || k.length > 500 || k.includes('\u0000')) {
    throw invalid();
  }
  return { sort, key: k as string | number, id };
}
