import { randomUUID } from 'node:crypto';
import { AppError } from '@shop/errors';
import type { Category, Page } from './product.js';
import type { CatalogDeps } from './ports.js';

export async function createCategory(deps: CatalogDeps, input: { name: string; slug: string }): Promise<Category> {
  const category = await deps.categories.insert({ id: randomUUID(), name: input.name, slug: input.slug });
  await deps.cache.categoriesChanged();
  return category;
}

const encode = (slug: string) => Buffer.from(JSON.stringify({ slug }), 'utf8').toString('base64url');

function decode(cursor: string): string {
  try {
    const { slug } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { slug?: unknown };
    if (typeof slug === 'string' && slug.length > 0 && slug.length <= 100) return slug;
  } catch {
    // fall through to the 400 below
  }
  throw new AppError('INVALID_CURSOR', 'cursor is malformed');
}

/** Categories in slug order, keyset-paginated like every other list. */
export async function listCategories(
  deps: Pick<CatalogDeps, 'categories' | 'cache'>,
  input: { limit: number; cursor?: string },
): Promise<{ page: Page<Category>; cached: boolean }> {
  const query = { limit: input.limit, afterSlug: input.cursor === undefined ? undefined : decode(input.cursor) };
  const { value, hit } = await deps.cache.categories(query, async () => {
    const rows = await deps.categories.list(query);
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encode(last.slug) : null };
  });
  return { page: value, cached: hit };
}
