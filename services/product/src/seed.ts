/**
 * Idempotent demo data: 12 categories, 6 creators, 1,000 products and the well-known drop product,
 * created through the same use case as POST /api/products, so each one gets its
 * product.created.v1 in the outbox (any running replica's relay publishes it, and the
 * inventory service creates the stock record). Skips when the catalog is already full.
 * A catalog seeded before creators existed gets them: each demo product without one is given
 * its creator through the same use case as a PATCH, with its product.updated.v1.
 */
import { createRedis } from '@shop/cache';
import { createDb } from '@shop/db';
import { createLogger } from '@shop/logger';
import { createUnitOfWork } from '@shop/messaging';
import { catalogDeps } from './app.js';
import { loadProductConfig } from './config.js';
import { findCategoryBySlug } from './data/category.repository.js';
import { findCreatorBySlug } from './data/creator.repository.js';
import { countActiveProducts, existingSkus, productsWithoutCreator } from './data/product.repository.js';
import { creatorSlugOf, DROP_SKU, dropProduct, SEED_CATEGORIES, SEED_CREATORS, seedCreatorAvatar, seedProducts } from './data/seed-catalog.js';
import { createCategory } from './domain/categories.js';
import { assignCreator } from './domain/change-product.js';
import { createCreator } from './domain/creators.js';
import { createProducts } from './domain/create-products.js';

const TARGET = 1_000;
const BATCH = 250;

const config = loadProductConfig();
const logger = createLogger(`${config.SERVICE_NAME}-seed`, config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL, { poolMax: 2 });
const redis = createRedis({ url: config.REDIS_URL, nodes: config.REDIS_NODES });
redis.on('error', () => undefined); // the cache is optional here; Cache logs what it skips
// No broker here: the outbox rows wait for a service replica's relay.
const uow = createUnitOfWork({ db, source: config.INSTANCE_ID ?? config.SERVICE_NAME });
const deps = catalogDeps({ config, logger, db, redis, uow });
const started = Date.now();

try {
  const categoryIds = new Map<string, string>();
  for (const [name, slug] of SEED_CATEGORIES) {
    const category = (await findCategoryBySlug(db, slug)) ?? (await createCategory(deps, { name, slug }));
    categoryIds.set(slug, category.id);
  }
  const creatorIds = new Map<string, string>();
  for (const [slug, name, bio] of SEED_CREATORS) {
    const creator = (await findCreatorBySlug(db, slug)) ?? (await createCreator(deps, { slug, name, bio, avatarUrl: seedCreatorAvatar(slug) }));
    creatorIds.set(slug, creator.id);
  }
  const drop = dropProduct(categoryIds, creatorIds);
  if ((await existingSkus(db, [drop.sku])).size === 0) await createProducts(deps, [drop]);

  const live = await countActiveProducts(db);
  if (live >= TARGET) {
    logger.info({ products: live }, 'catalog already seeded; skipping');
  } else {
    const wanted = seedProducts(TARGET, categoryIds, creatorIds);
    const have = await existingSkus(db, wanted.map((p) => p.sku));
    const missing = wanted.filter((p) => !have.has(p.sku));
    for (let i = 0; i < missing.length; i += BATCH) await createProducts(deps, missing.slice(i, i + BATCH));
    logger.info({ created: missing.length, ms: Date.now() - started }, 'catalog seeded');
  }

  // Demo products from before creators: each gets the creator it would have been seeded with.
  const orphans = [...(await productsWithoutCreator(db, 'SEED-%')), ...(await productsWithoutCreator(db, DROP_SKU))];
  const bySlug = new Map<string, string[]>();
  for (const { id, sku } of orphans) {
    const slug = sku === DROP_SKU ? SEED_CREATORS[0][0] : creatorSlugOf(Number(sku.slice('SEED-'.length)));
    bySlug.set(slug, [...(bySlug.get(slug) ?? []), id]);
  }
  for (const [slug, ids] of bySlug) {
    for (let i = 0; i < ids.length; i += BATCH) await assignCreator(deps, creatorIds.get(slug)!, ids.slice(i, i + BATCH));
  }
  if (orphans.length > 0) logger.info({ products: orphans.length }, 'demo products given their creators');
} catch (err) {
  logger.error({ err }, 'seed failed');
  process.exitCode = 1;
} finally {
  await db.destroy();
  redis.disconnect();
}
