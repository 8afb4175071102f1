import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { failFastPool } from './fail-fast.js';

export type { Knex };
export type Db = Knex;
export type Tx = Knex.Transaction;
/** Repositories take an optional transaction and fall back to the pool. */
export type DbOrTx = Knex | Knex.Transaction;

// bigint counts (count(*)) come back as strings by default; our counts fit in a number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number.parseInt(v, 10));

export interface DbOptions {
  poolMax?: number;
  /** Fail fast rather than queue forever when Postgres is gone. */
  acquireTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** Says when the pool stops and starts taking work (`failFastPool`). */
  logger?: { warn(details: object, message: string): void; info(details: object, message: string): void };
}

/** A connect that is not answered within this (a hung server or link) fails, so the pool can probe. */
const CONNECT_TIMEOUT_MS = 2_000;

/** A knex pool on Postgres that refuses at once while Postgres does not answer (`failFastPool`). */
export function createDb(connectionString: string, options: DbOptions = {}): Knex {
  const db = knexFactory({
    client: 'pg',
    connection: { connectionString, statement_timeout: options.statementTimeoutMs ?? 10_000, connectionTimeoutMillis: CONNECT_TIMEOUT_MS } as Knex.PgConnectionConfig,
    pool: { min: 0, max: options.poolMax ?? 10 },
    acquireConnectionTimeout: options.acquireTimeoutMs ?? 3_000,
  });
  failFastPool(db, connectionString, options.logger);
  return db;
}

/**
 * A migrations directory as knex sees it, each migration named by its source file: the
 * services run migrations from TypeScript (src/, through tsx: the native stack, the tests) and
 * from the build (dist/, `.js`: the images), and knex records the names it applied in
 * `knex_migrations`. Named by file, `20250101000000_messaging.js` would be a new migration
 * to a database that `20250101000000_messaging.ts` migrated, and run a second time.
 */
export function migrationSource(directory: string): Knex.MigrationSource<string> {
  return {
    async getMigrations() {
      const files = await readdir(directory);
      return files.filter((f) => MIGRATION_FILE.test(f) && !f.endsWith('.d.ts')).sort();
    },
    getMigrationName: (file) => file.replace(/\.js$/, '.ts'),
    getMigration: (file) => import(pathToFileURL(join(directory, file)).href),
  };
}
const MIGRATION_FILE = /\.(ts|js)$/;

/**
 * Runs the service's knex migrations (`migrationSource`: the same names from src/ and dist/).
 * A database that already has migrations this code does not know (a newer release migrated
 * it; another branch's tests ran on the shared test database) is not "corrupt": an older
 * replica must still start against a newer schema during a rolling deploy or a rollback, so
 * knex's list validation is off. Migrations stay additive for the same reason.
 */
export async function migrateLatest(db: Knex, directory: string): Promise<string[]> {
  const [, applied] = await db.migrate.latest({ migrationSource: migrationSource(directory), disableMigrationsListValidation: true });
  return applied as string[];
}

interface MigrationLog {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** The whole of a service's migrate.ts: apply, say what was applied, close, set the exit code. */
export async function runMigrations(url: string, directory: string, log: MigrationLog): Promise<void> {
  const db = createDb(url, { poolMax: 1 });
  try {
    const applied = await migrateLatest(db, directory);
    log.info({ applied, database: new URL(url).pathname.slice(1) }, applied.length ? 'migrations applied' : 'schema up to date');
  } catch (err) {
    log.error({ err }, 'migration failed');
    process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}

export async function pingDb(db: Knex): Promise<void> {
  await db.raw('select 1');
}

export { DatabaseUnavailableError, poolBreakerOf, STALL_MS, type PoolBreaker } from './fail-fast.js';
export { decodeKeyset, encodeKeyset, isTimestamp, isUuid, TIMESTAMP_SHAPES } from './keyset.js';
