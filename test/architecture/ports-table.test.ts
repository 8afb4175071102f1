import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * The Ports table in docs/conventions.md is where two parts of the platform agree on a port.
 * This checks the replicas' HTTP and gRPC rows against ecosystem.config.cjs (which the stack,
 * nginx and the tests read) and that no two rows claim the same port.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const eco = createRequire(import.meta.url)('../../ecosystem.config.cjs') as { SERVICES: Record<string, number>; GRPC_SERVICES: Record<string, number> };
const doc = readFileSync(join(ROOT, 'docs', 'conventions.md'), 'utf8');
const table = doc.slice(doc.indexOf('## Ports'), doc.indexOf('\n## ', doc.indexOf('## Ports') + 1));
const rows = table
  .split('\n')
  .filter((l) => /^\| [^-]/.test(l) && !l.startsWith('| what |'))
  .map((l) => l.split('|').map((c) => c.trim()))
  .map(([, what, ports]) => ({ what, ports }));

/** "4001, 4002 (4001 .. 4000+REPLICAS)", "7001-7003", "16432 / 16379 / 16672" -> the port numbers. */
function portsIn(text: string): number[] {
  const plain = text.replace(/\([^)]*\)/g, '');
  return plain.split(/[,/]/).flatMap((part) => {
    const range = /^\s*(\d+)-(\d+)\s*$/.exec(part);
    if (range) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i);
    return [...part.matchAll(/\b\d{2,5}\b/g)].map((m) => Number(m[0]));
  });
}

describe('the Ports table', () => {
  it.each(Object.entries(eco.SERVICES))('when the %s service runs, then its HTTP replicas listen where the table says', (name, base) => {
    const row = rows.find((r) => r.what === `${name} service replicas`);
    expect(portsIn(row?.ports ?? '').slice(0, 2)).toEqual([base, base + 1]);
  });

  it.each(Object.entries(eco.GRPC_SERVICES))('when the %s service serves gRPC, then its replicas listen where the table says', (name, base) => {
    const row = rows.find((r) => r.what.startsWith(`${name} service replicas, internal gRPC`));
    expect(portsIn(row?.ports ?? '')).toEqual([base, base + 1]);
  });

  it('when every row is read, then no port is claimed twice, replicas up to nine included', () => {
    const claimed = new Map<number, string>();
    const clashes: string[] = [];
    for (const { what, ports } of rows) {
      const numbers = portsIn(ports);
      // A replica row owns ten ports (REPLICAS 1-9; docs/decisions.md, "REPLICAS set once").
      const owned = /service replicas/.test(what) ? Array.from({ length: 9 }, (_, i) => numbers[0] + i) : numbers;
      for (const p of owned) {
        if (claimed.has(p)) clashes.push(`${p}: ${claimed.get(p)} and ${what}`);
        claimed.set(p, what);
      }
    }
    expect(rows.length).toBeGreaterThan(20);
    expect(clashes).toEqual([]);
  });
});
