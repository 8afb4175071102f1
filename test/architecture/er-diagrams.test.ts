import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ER_FILE, erDiagram } from '../../scripts/diagrams/er-diagrams.js';

describe('the ER diagrams in docs/databases.md', () => {
  it('when every service\'s migrations are applied to a fresh schema, then the committed diagrams are what they make, and a stale copy is caught', () => {
    const dir = mkdtempSync(join(tmpdir(), 'er-'));
    try {
      const stale = join(dir, 'databases.md');
      writeFileSync(stale, readFileSync(ER_FILE, 'utf8').replace(/^ {4}text traceparent "nullable"\n/m, ''));
      // In its own process: knex imports the migration files, which jest's ESM loader cannot do.
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/diagrams/er-diagrams.ts', '--check', ER_FILE, stale], { encoding: 'utf8', timeout: 60_000 });
      // On a difference: npx tsx scripts/diagrams/er-diagrams.ts, and commit docs/databases.md.
      expect(run.stdout.trim().split('\n')).toEqual([`up to date: ${ER_FILE}`, expect.stringMatching(/^differs from what the migrations make: /)]);
      expect(run.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a table has a foreign key, then the diagram draws the relation with its column', () => {
    const diagram = erDiagram({
      columns: [
        { table: 'orders', column: 'id', type: 'uuid', nullable: false },
        { table: 'order_lines', column: 'order_id', type: 'uuid', nullable: false },
        { table: 'order_lines', column: 'note', type: 'text', nullable: true },
      ],
      keys: [{ table: 'orders', column: 'id', kind: 'PK' }],
      fks: [{ table: 'order_lines', column: 'order_id', refTable: 'orders', refColumn: 'id' }],
    });
    expect(diagram.split('\n')).toEqual([
      'erDiagram',
      '  order_lines {',
      '    uuid order_id FK',
      '    text note "nullable"',
      '  }',
      '  orders {',
      '    uuid id PK',
      '  }',
      '  orders ||--o{ order_lines : "order_id"',
    ]);
  });
});
