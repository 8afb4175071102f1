import { AppError } from '@shop/errors';

interface PgError {
  code?: string;
  constraint?: string;
}

/** Constraint violations a client can cause, as stable 4xx codes; anything else passes through. */
export function translateDbError(err: unknown): unknown {
  const { code, constraint } = (err ?? {}) as PgError;
  if (code === '23505' && constraint?.includes('sku')) return AppError.conflict('SKU_TAKEN', 'a product with this sku already exists');
  if (code === '23505' && constraint?.startsWith('creators_')) return AppError.conflict('SLUG_TAKEN', 'a creator with this slug already exists');
  if (code === '23505' && constraint?.includes('slug')) return AppError.conflict('SLUG_TAKEN', 'a category with this slug already exists');
  if (code === '23503' && constraint?.includes('category')) return new AppError('CATEGORY_NOT_FOUND', 'category does not exist');
  if (code === '23503' && constraint?.includes('creator')) return new AppError('CREATOR_NOT_FOUND', 'creator does not exist');
  return err;
}
