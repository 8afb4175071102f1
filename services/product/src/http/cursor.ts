import { AppError } from '@shop/errors';
import { isTimestamp, isUuid, TIMESTAMP_SHAPES } from '@shop/db';
import { SORTS, type CursorPosition, type Sort } from '../domain/product.js';

function invalid(): AppError {
  return new AppError('INVALID_CURSOR', 'cursor is malformed or belongs to another sort');
}

/** A cursor of domain/cursor.ts read back: only what encodeCursor writes for this sort, else 400 INVALID_CURSOR. */
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
  if (!isUuid(id)) throw invalid();
  if (sort === 'price_asc' || sort === 'price_desc') {
    if (typeof k !== 'number' || !Number.isSafeInteger(k)) throw invalid();
  } else if (sort === 'newest') {
    // Only what encodeCursor writes (toISOString): "2024-02-30T..." or a bare year would
    // reach Postgres as a timestamp it refuses, a 500 instead of a 400.
    if (!isTimestamp(k, TIMESTAMP_SHAPES.isoMillis)) throw invalid();
  } else if (typeof k !== 'string' || k.length > 500 || k.includes('\u0000')) {
    throw invalid();
  }
  return { sort, key: k as string | number, id };
}
