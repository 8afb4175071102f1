/**
 * Republishes product.updated.v1 for every live product, through the outbox, so a consumer
 * that missed events (a service added after the catalog was loaded, a queue deleted by an
 * operator) rebuilds its snapshot. Consumers apply only data newer than what they hold, so
 * running it twice is harmless. The rows wait for a running replica's relay to publish them.
 * Usage: npm run catalog:republish
 */
import { randomUUID } from 'node:crypto';
import { createDb } from '@shop/db';
import { createLogger } from '@shop/logger';
import { EventTypes, makeEvent } from '@shop/contracts';
import { createUnitOfWork } from '@shop/messaging';
import { loadProductConfig } from './config.js';
import { activeProductsAfter } from './data/product.repository.js';
import { productUpdated } from './domain/product-events.js';

const PAGE = 500;
const config = loadProductConfig();
const logger = createLogger(`${config.SERVICE_NAME}-republish`, config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL, { poolMax: 1 });
const uow = createUnitOfWork({ db, source: config.SERVICE_NAME });
const meta = { source: config.SERVICE_NAME, correlationId: randomUUID() };

try {
  let after: string | null = null;
  let total = 0;
  for (;;) {
    const page = await activeProductsAfter(db, after, PAGE);
    if (page.length === 0) break;
    await uow.run(({ outbox }) => outbox.add(page.map((p) => makeEvent(EventTypes.ProductUpdated, productUpdated(p), meta))));
    total += page.length;
    after = page[page.length - 1].id;
  }
  logger.info({ total }, 'product.updated.v1 queued for every live product');
} catch (err) {
  logger.error({ err }, 'republish failed');
  process.exitCode = 1;
} finally {
  await db.destroy();
}
