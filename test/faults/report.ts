/**
 * Each scenario records what it injected and what the books said in .run/faults/<id>.json (with
 * its attempts beside it, for a closer look), and replaces its own row and section in
 * load-tests/results/faults.md. Every other scenario's row and section stay as the file had
 * them, so a run of one scenario (or of a new one) never wipes the results of the others.
 * FAULTS_REPORT names another file (e.g. .run/faults/faults.md, so a trial run leaves
 * the committed results alone).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './platform.js';
import type { Books } from './books.js';
import type { Attempt } from './load.js';

const DIR = join(ROOT, '.run', 'faults');
const REPORT = process.env.FAULTS_REPORT
  ? resolve(ROOT, process.env.FAULTS_REPORT)
  : join(ROOT, 'load-tests', 'results', 'faults.md');
/** The fault matrix of issue 10: R1 .. R13. */
const MATRIX = Array.from({ length: 13 }, (_, i) => `R${i + 1}`);

export interface Outcome {
  id: string;
  title: string;
  injected: string;
  mustHold: string;
  books: Books;
  seconds: number;
}

/** `attempts` (every request with its answer and latency) go beside it, for a closer look. */
export function record(outcome: Outcome, attempts: Attempt[] = []): void {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, `${outcome.id}.attempts.json`), `${JSON.stringify(attempts)}\n`);
  const entry = { ...outcome, at: new Date().toISOString(), passed: outcome.books.violations.length === 0 };
  writeFileSync(join(DIR, `${outcome.id}.json`), `${JSON.stringify(entry, null, 2)}\n`);
  const report = parseReport(existsSync(REPORT) ? readFileSync(REPORT, 'utf8') : '');
  report.rows.set(entry.id, row(entry));
  report.sections.set(entry.id, section(entry));
  writeFileSync(REPORT, renderReport(report));
}

/** The report's parts that belong to one scenario each, by id. */
export interface Report {
  rows: Map<string, string>;
  sections: Map<string, string>;
}

const byId = (a: string, b: string) => Number(a.slice(1)) - Number(b.slice(1));

/**
 * Reads back what renderReport wrote: the summary table's rows (`| R5 | ...`) and each
 * scenario's section, from its `## R5: ...` heading to the next such heading, with whatever
 * was written into it by hand.
 */
export function parseReport(text: string): Report {
  const rows = new Map<string, string>();
  const sections = new Map<string, string>();
  let current: { id: string; lines: string[] } | undefined;
  const close = () => {
    if (current) sections.set(current.id, current.lines.join('\n').trimEnd());
  };
  for (const line of text.split('\n')) {
    const heading = /^## (R\d+):/.exec(line);
    if (heading) {
      close();
      current = { id: heading[1], lines: [line] };
      continue;
    }
    if (current) {
      current.lines.push(line);
      continue;
    }
    const cells = /^\| (R\d+) \|/.exec(line);
    if (cells) rows.set(cells[1], line);
  }
  close();
  return { rows, sections };
}

type Entry = Outcome & { at: string; passed: boolean };

function row(e: Entry): string {
  return `| ${e.id} | ${e.injected} | ${e.mustHold} | ${e.passed ? 'pass' : '**FAIL**'} | ${e.seconds} | ${e.at.slice(0, 16).replace('T', ' ')} UTC |`;
}

function section(e: Entry): string {
  const lines = [`## ${e.id}: ${e.title}`, '', `Injected: ${e.injected}`, '', '| counter | value |', '|---|---|'];
  for (const [k, v] of Object.entries(e.books.counters)) lines.push(`| ${k} | ${v} |`);
  lines.push('', e.passed ? 'Books: every check held.' : `Books: **${e.books.violations.length} violations**:`);
  if (e.books.violations.length) lines.push('', ...e.books.violations.map((v) => `- ${v}`));
  return lines.join('\n');
}

export function renderReport({ rows, sections }: Report): string {
  const missing = MATRIX.filter((id) => !rows.has(id));
  const lines = [
    '# The fault matrix (issue 10), as run',
    '',
    'Each scenario runs a short bounded load through :8000, injects one fault into the running',
    'native platform, heals it, and checks the books through the API and the databases',
    '(test/faults/books.ts). Written by test/faults/report.ts: a run replaces the row and the',
    'section of each scenario it ran and keeps every other one as it was (the time says when',
    'each ran).',
    '',
    'Command: `npm run test:faults` (all), or one scenario: `npm run test:faults -- test/faults/r05`',
    '(`test/faults/proxied.test.ts` holds R2, R3, R4 and R10, which need toxiproxy;',
    '`-t R10` picks one of them).',
    '',
    ...(missing.length ? [`No result here yet: ${missing.join(', ')}.`, ''] : []),
    '| id | fault injected | must hold | result | seconds | run at |',
    '|---|---|---|---|---|---|',
    ...[...rows.keys()].sort(byId).map((id) => rows.get(id) as string),
    '',
  ];
  for (const id of [...sections.keys()].sort(byId)) lines.push(sections.get(id) as string, '');
  return `${lines.join('\n').trimEnd()}\n`;
}
