/**
 * The ER diagram of every service's database, generated from its migrations: each service's
 * knex migrations run into a fresh schema of its test database (`<service>_test`, so neither
 * the platform's data nor tables another branch left there count), information_schema says
 * what they made, and the schema is dropped. Writes Mermaid erDiagrams to docs/databases.md.
 *
 *   npx tsx scripts/diagrams/er-diagrams.ts            write docs/databases.md
 *   npx tsx scripts/diagrams/er-diagrams.ts --check [files]   exit 1 when a file (default
 *                                                              docs/databases.md) is not what the migrations make
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import knexFactory from 'knex';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ER_FILE = join(ROOT, 'docs', 'databases.md');
export const SERVICES = ['user', 'product', 'cart', 'order', 'inventory', 'email'] as const;

interface Column { table: string; column: string; type: string; nullable: boolean }
interface Key { table: string; column: string; kind: 'PK' | 'UK' }
interface ForeignKey { table: string; column: string; refTable: string; refColumn: string }

const dbUrl = (service: string) =>
  `postgres://${service}_svc:${service}_pw@127.0.0.1:${process.env.TEST_DATABASE_PORT ?? '5432'}/${service}_test`;

/** Migrates a fresh schema and reads its tables, columns and keys; the schema is dropped after. */
async function readSchema(service: string): Promise<{ columns: Column[]; keys: Key[]; fks: ForeignKey[] }> {
  const schema = `er_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: dbUrl(service), pool: { min: 0, max: 1 } });
  await admin.raw('CREATE SCHEMA ??', [schema]);
  // `public` after ours: extensions (pg_trgm's operator classes) live there.
  const db = knexFactory({ client: 'pg', connection: dbUrl(service), searchPath: [schema, 'public'], pool: { min: 0, max: 1 } });
  try {
    await db.migrate.latest({ directory: join(ROOT, 'services', service, 'src', 'data', 'migrations'), loadExtensions: ['.ts'], schemaName: schema });
    const columns = (await db.raw(
      `SELECT c.table_name AS "table", c.column_name AS "column", c.udt_name AS type, c.is_nullable = 'YES' AS nullable
         FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = ? AND t.table_type = 'BASE TABLE' AND c.table_name NOT LIKE 'knex\\_%'
        ORDER BY c.table_name, c.ordinal_position`, [schema])).rows as Column[];
    const keys = (await db.raw(
      `SELECT k.table_name AS "table", k.column_name AS "column", CASE tc.constraint_type WHEN 'PRIMARY KEY' THEN 'PK' ELSE 'UK' END AS kind
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name)
        WHERE tc.table_schema = ? AND tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE')`, [schema])).rows as Key[];
    const fks = (await db.raw(
      `SELECT k.table_name AS "table", k.column_name AS "column", r.table_name AS "refTable", r.column_name AS "refColumn"
         FROM information_schema.referential_constraints rc
         JOIN information_schema.key_column_usage k ON k.constraint_schema = rc.constraint_schema AND k.constraint_name = rc.constraint_name
         JOIN information_schema.key_column_usage r ON r.constraint_schema = rc.unique_constraint_schema AND r.constraint_name = rc.unique_constraint_name
          AND r.ordinal_position = k.position_in_unique_constraint
        WHERE rc.constraint_schema = ?
        ORDER BY k.table_name, k.column_name`, [schema])).rows as ForeignKey[];
    return { columns, keys, fks };
  } finally {
    await db.destroy();
    await admin.raw('DROP SCHEMA ?? CASCADE', [schema]).finally(() => admin.destroy());
  }
}

/** One Mermaid erDiagram: tables with their columns (PK, FK, UK marks), one line per foreign key. */
export function erDiagram({ columns, keys, fks }: Awaited<ReturnType<typeof readSchema>>): string {
  const lines = ['erDiagram'];
  const tables = [...new Set(columns.map((c) => c.table))].sort();
  for (const table of tables) {
    lines.push(`  ${table} {`);
    for (const c of columns.filter((x) => x.table === table)) {
      const marks = [
        ...(keys.some((k) => k.table === table && k.column === c.column && k.kind === 'PK') ? ['PK'] : []),
        ...(fks.some((f) => f.table === table && f.column === c.column) ? ['FK'] : []),
        ...(keys.some((k) => k.table === table && k.column === c.column && k.kind === 'UK') ? ['UK'] : []),
      ];
      lines.push(`    ${c.type} ${c.column}${marks.length ? ` ${marks.join(', ')}` : ''}${c.nullable ? ' "nullable"' : ''}`);
    }
    lines.push('  }');
  }
  for (const f of fks) lines.push(`  ${f.refTable} ||--o{ ${f.table} : "${f.column}"`);
  return lines.join('\n');
}

export async function erDocument(): Promise<string> {
  const parts = [
    '# The databases, one per service',
    '',
    'Generated from each service\'s migrations by `npx tsx scripts/diagrams/er-diagrams.ts`',
    '(`test/architecture/er-diagrams.test.ts` fails when this file and the migrations disagree).',
    'Every service owns its database alone (docs/conventions.md, "Databases"); `outbox`, `inbox` and',
    '`tasks` are the shared messaging tables of `@shop/messaging`. No foreign key crosses a database:',
    'ids of other services\' things (a product in an order line) are plain columns.',
  ];
  for (const service of SERVICES) {
    parts.push('', `## ${service} (\`${service}_db\`)`, '', '```mermaid', erDiagram(await readSchema(service)), '```');
  }
  return `${parts.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const doc = await erDocument();
  const check = process.argv.indexOf('--check');
  if (check >= 0) {
    const files = process.argv.slice(check + 1);
    let stale = 0;
    for (const file of files.length ? files : [ER_FILE]) {
      const same = readFileSync(file, 'utf8') === doc;
      if (!same) stale++;
      console.log(same ? `up to date: ${file}` : `differs from what the migrations make: ${file} (run npx tsx scripts/diagrams/er-diagrams.ts)`);
    }
    process.exitCode = stale ? 1 : 0;
  } else {
    writeFileSync(ER_FILE, doc);
    console.log(`wrote ${ER_FILE}`);
  }
}
