import { randomUUID } from 'node:crypto';
import { decodeSlugCursor, encodeSlugCursor } from './cursor.js';
import type { Category, Page } from './product.js';
import type { CatalogDeps } from './ports.js';

export async function createCategory(deps: CatalogDeps, input: { name: string; slug: string }): Promise<Category> {
  const category = await deps.categories.insert({ id: randomUUID(), name: input.name, slug: input.slug });
  await deps.cache.categoriesChanged();
  return category;
}

/** Categories in slug order, keyset-paginated like every other list. */
export async function listCategories(
  deps: Pick<CatalogDeps, 'categories' | 'cache'>,
  input: { limit: number; cursor?: string },
): Promise<{ page: Page<Category>; cached: boolean }> {
  const query = { limit: input.limit, afterSlug: input.cursor === undefined ? undefined : decodeSlugCursor(input.cursor) };
  const { value, hit } = await deps.cache.categories(query, async () => {
    const rows = await deps.categories.list(query);
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeSlugCursor(last.slug) : null };
  });
  return { page: value, cached: hit };
}
