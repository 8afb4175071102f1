/** Applies this service's migrations to DATABASE_URL and exits (the stack runs it for product_db and product_test). */
import { loadConfig, migrationEnv } from '@shop/config';
import { runMigrations } from '@shop/db';
import { createLogger } from '@shop/logger';
import { migrationsDir } from './data/migrations-dir.js';

const config = loadConfig(migrationEnv);
await runMigrations(config.DATABASE_URL, migrationsDir, createLogger('product-migrate', config.LOG_LEVEL));
