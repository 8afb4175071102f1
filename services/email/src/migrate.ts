import { baseEnv, loadConfig, z } from '@shop/config';
import { createDb, migrateLatest } from '@shop/db';
import { createLogger } from '@shop/logger';
import { migrationsDir } from './data/migrations-dir.js';

// Only the database is needed here; the stack script runs this for email_db and email_test.
const config = loadConfig(z.object({ DATABASE_URL: baseEnv.shape.DATABASE_URL, LOG_LEVEL: baseEnv.shape.LOG_LEVEL }));
const logger = createLogger('email-migrate', config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL, { poolMax: 1 });
try {
  const applied = await migrateLatest(db, migrationsDir);
  logger.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');
} catch (err) {
  logger.error({ err }, 'migration failed');
  process.exitCode = 1;
} finally {
  await db.destroy();
}
