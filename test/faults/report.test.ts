/** The fault report keeps every scenario's row when one scenario runs (no platform needed). */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseReport, renderReport } from './report.js';
import { ROOT } from './platform.js';

const committed = readFileSync(join(ROOT, 'load-tests', 'results', 'faults.md'), 'utf8');

describe('load-tests/results/faults.md', () => {
  it('when it is read back and written again, then every row and section is kept', () => {
    const before = parseReport(committed);
    expect(before.rows.size).toBeGreaterThan(5);
    const again = parseReport(renderReport(before));
    expect([...again.rows]).toEqual([...before.rows]);
    expect([...again.sections]).toEqual([...before.sections]);
  });

  it('when one scenario is re-run, then only its row and section change, in id order', () => {
    const report = parseReport(committed);
    const others = [...report.rows].filter(([id]) => id !== 'R2');
    report.rows.set('R2', '| R2 | again | no loss | pass | 1 | 2099-01-01 00:00 UTC |');
    report.sections.set('R2', '## R2: again\n\nBooks: every check held.');
    const merged = parseReport(renderReport(report));
    expect([...merged.rows].filter(([id]) => id !== 'R2')).toEqual(others);
    expect(merged.rows.get('R2')).toContain('again');
    expect(merged.sections.get('R2')).toBe('## R2: again\n\nBooks: every check held.');
    const ids = [...merged.rows.keys()];
    expect(ids).toEqual([...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
  });
});
