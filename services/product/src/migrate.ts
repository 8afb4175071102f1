/** Applies this service's migrations to DATABASE_URL and exits (the stack runs it for _db and _test). */
import { createDb, migrateLatest } from '@shop/db';
import { createLogger } from '@shop/logger';
import { loadProductConfig } from './config.js';
import { migrationsDir } from './data/migrations-dir.js';

const config = loadProductConfig();
const logger = createLogger(`${config.SERVICE_NAME}-migrate`, config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL, { poolMax: 1 });
try {
  const applied = await migrateLatest(db, migrationsDir);
  logger.info({ applied, database: new URL(config.DATABASE_URL).pathname.slice(1) }, 'migrations applied');
} catch (err) {
  logger.error({ err }, 'migration failed');
  process.exitCode = 1;
} finally {
  await db.destroy();
}
