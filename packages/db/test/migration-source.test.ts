/**
 * Migrations keep their names whether they run from TypeScript (src/, tsx and jest) or from the
 * build (dist/, the images): a database migrated from one must see nothing new in the other.
 * Real Postgres (the messaging package's test database); every table here has its own name.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDb, migrationSource, type Db } from '../src/index.js';

const DATABASE_URL = process.env.TEST_MESSAGING_DATABASE_URL ?? 'postgres://messaging_svc:messaging_pw@127.0.0.1:5432/messaging_test';
const tag = randomUUID().replaceAll('-', '').slice(0, 12);
const probe = `probe_${tag}`;
const MIGRATION = '20250101000000_probe';

/** One migration, in the form tsc would give it in dist/ or as its TypeScript source. */
function migrationDir(kind: 'ts' | 'js'): string {
  const dir = mkdtempSync(join(tmpdir(), `migrations-${kind}-`));
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
  const body = (arg: string) =>
    `export async function up(${arg}) { await knex.schema.createTable('${probe}', (t) => { t.increments('id'); }); }\n` +
    `export async function down(${arg}) { await knex.schema.dropTable('${probe}'); }\n`;
  if (kind === 'ts') {
    writeFileSync(join(dir, `${MIGRATION}.ts`), `import type { Knex } from 'knex';\n${body('knex: Knex')}`);
  } else {
    // What the build leaves beside a migration: its declarations and maps are not migrations.
    writeFileSync(join(dir, `${MIGRATION}.js`), body('knex'));
    writeFileSync(join(dir, `${MIGRATION}.d.ts`), 'export declare function up(): Promise<void>;\n');
    writeFileSync(join(dir, `${MIGRATION}.js.map`), '{}\n');
  }
  return dir;
}

let db: Db;
let src: string;
let dist: string;

beforeAll(() => {
  db = createDb(DATABASE_URL, { poolMax: 2 });
  src = migrationDir('ts');
  dist = migrationDir('js');
});

afterAll(async () => {
  for (const table of [probe, `${probe}_m1`, `${probe}_m1_lock`, `${probe}_m2`, `${probe}_m2_lock`]) await db.schema.dropTableIfExists(table);
  await db.destroy();
  for (const dir of [src, dist]) rmSync(dir, { recursive: true, force: true });
});

describe('migrationSource', () => {
  it('when the build sits beside a migration, then only the migration is listed, named by its source file', async () => {
    const source = migrationSource(dist);
    const files = await source.getMigrations([]);
    expect(files).toEqual([`${MIGRATION}.js`]);
    expect(files.map((f) => source.getMigrationName(f))).toEqual([`${MIGRATION}.ts`]);
    expect(migrationSource(src).getMigrationName(`${MIGRATION}.ts`)).toBe(`${MIGRATION}.ts`);
  });

  it('when a database was migrated from the sources, then the build finds nothing new to run (and runs it on a fresh one)', async () => {
    const fromSource = await db.migrate.latest({ migrationSource: migrationSource(src), tableName: `${probe}_m1` });
    expect(fromSource[1]).toEqual([`${MIGRATION}.ts`]);
    // Named by file, the .js would be new here, and creating the probe table twice would throw.
    const fromBuild = await db.migrate.latest({ migrationSource: migrationSource(dist), tableName: `${probe}_m1` });
    expect(fromBuild[1]).toEqual([]);

    await db.schema.dropTable(probe);
    const fresh = await db.migrate.latest({ migrationSource: migrationSource(dist), tableName: `${probe}_m2` });
    expect(fresh[1]).toEqual([`${MIGRATION}.ts`]);
    expect(await db.schema.hasTable(probe)).toBe(true);
  });
});
