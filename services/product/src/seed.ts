/**
 * Idempotent demo data: 12 categories, 1,000 products and the well-known drop product,
 * created through the same use case as POST /api/products, so each one gets its
 * product.created.v1 in the outbox (any running replica's relay publishes it, and the
 * inventory service creates the stock record). Skips when the catalog is already full.
 */
import { createRedis } from '@shop/cache';
import { createDb } from '@shop/db';
import { createLogger } from '@shop/logger';
import { createUnitOfWork } from '@shop/messaging';
import { catalogDeps } from './app.js';
import { loadProductConfig } from './config.js';
import { findCategoryBySlug } from './data/category.repository.js';
import { countActiveProducts, existingSkus } from './data/product.repository.js';
import { dropProduct, SEED_CATEGORIES, seedProducts } from './data/seed-catalog.js';
import { createCategory } from './domain/categories.js';
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
  const drop = dropProduct(categoryIds);
  if ((await existingSkus(db, [drop.sku])).size === 0) await createProducts(deps, [drop]);

  const live = await countActiveProducts(db);
  if (live >= TARGET) {
    logger.info({ products: live }, 'catalog already seeded; skipping');
  } else {
    const wanted = seedProducts(TARGET, categoryIds);
    const have = await existingSkus(db, wanted.map((p) => p.sku));
    const missing = wanted.filter((p) => !have.has(p.sku));
    for (let i = 0; i < missing.length; i += BATCH) await createProducts(deps, missing.slice(i, i + BATCH));
    logger.info({ created: missing.length, ms: Date.now() - started }, 'catalog seeded');
  }
} catch (err) {
  logger.error({ err }, 'seed failed');
  process.exitCode = 1;
} finally {
  await db.destroy();
  redis.disconnect();
}
