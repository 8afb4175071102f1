import { randomUUID } from 'node:crypto';
import { EventTypes } from '@shop/contracts';
import { AppError } from '@shop/errors';
import { decodeSlugCursor, encodeSlugCursor } from './cursor.js';
import { creatorUpdated } from './product-events.js';
import type { Creator, CreatorPatch, NewCreator, Page } from './product.js';
import type { CatalogDeps, CatalogTx, WriteContext } from './ports.js';

/**
 * Creators: profiles an admin manages, shown on their products. Each write commits the row
 * and its creator.updated.v1 (the whole profile and its version) together; the carts' copies
 * follow that event. Products read the profile through a join, so after the commit only
 * the caches stand between a rename and every product page: they are bumped before we answer.
 */
export async function createCreator(deps: CatalogDeps, input: NewCreator, ctx: WriteContext = {}): Promise<Creator> {
  const creator = await deps.write(async (tx) => {
    const row = await tx.creators.insert({ id: randomUUID(), slug: input.slug, name: input.name, bio: input.bio ?? null, avatarUrl: input.avatarUrl ?? null });
    await tx.outbox.emit(EventTypes.CreatorUpdated, creatorUpdated(row));
    return row;
  }, ctx);
  await deps.cache.creatorChanged(creator.id, []);
  return creator;
}

export async function updateCreator(deps: CatalogDeps, id: string, patch: CreatorPatch, ctx: WriteContext = {}): Promise<Creator> {
  const { creator, productIds } = await deps.write(async (tx) => {
    // The row lock this UPDATE takes orders it after any product write that read the profile
    // (missingLocked), so the ids below include every product committed with it.
    const row = await tx.creators.update(id, patch);
    if (!row) throw AppError.notFound('Creator');
    await tx.outbox.emit(EventTypes.CreatorUpdated, creatorUpdated(row));
    return { creator: row, productIds: await tx.products.idsByCreator(id) };
  }, ctx);
  await deps.cache.creatorChanged(id, productIds);
  return creator;
}

export async function getCreator(deps: Pick<CatalogDeps, 'creators' | 'cache'>, id: string): Promise<{ creator: Creator; cached: boolean }> {
  const { value, hit } = await deps.cache.creator(id, async () => (await deps.creators.find(id)) ?? null);
  if (!value) throw AppError.notFound('Creator');
  return { creator: value, cached: hit };
}

/** Every creator by slug (the admin's list), keyset-paginated; not cached (admins only). */
export async function listCreators(deps: Pick<CatalogDeps, 'creators'>, input: { limit: number; cursor?: string }): Promise<Page<Creator>> {
  const query = { limit: input.limit, afterSlug: input.cursor === undefined ? undefined : decodeSlugCursor(input.cursor) };
  const rows = await deps.creators.list(query);
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? encodeSlugCursor(last.slug) : null };
}

/** A product write that names creators: each must exist, and stays locked until the commit. */
export async function requireCreators(tx: Pick<CatalogTx, 'creators'>, ids: Array<string | null | undefined>): Promise<void> {
  const wanted = [...new Set(ids.filter((i): i is string => typeof i === 'string'))];
  if (wanted.length === 0) return;
  const missing = await tx.creators.missingLocked(wanted);
  if (missing.length > 0) throw new AppError('CREATOR_NOT_FOUND', `creator ${missing[0]} does not exist`);
}
