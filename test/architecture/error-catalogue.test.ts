import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ErrorCatalogue, isErrorCode } from '@shop/errors';

/**
 * Every error code a client can receive is in the one catalogue (packages/errors), with the
 * status it is answered with. `new AppError(code, ...)` is checked by the compiler; this scan
 * covers what bypasses the type: error bodies the edge writes itself (nginx `return NNN
 * '{"error":{"code":...}}'`, Kong's rate-limit status) and error JSON written by hand in
 * TypeScript (`{ error: { code: '...' } }`), and codes the docs name with a status.
 */
const ROOT = join(import.meta.dirname, '..', '..');

function files(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'migrations' ? [] : files(path, keep);
    return keep(e.name) ? [path] : [];
  });
}

const rel = (f: string) => relative(ROOT, f);
const read = (f: string) => readFileSync(f, 'utf8');

/** [file, code, status] for every error body nginx answers with itself. */
function nginxBodies(): Array<[string, string, number]> {
  return files(join(ROOT, 'nginx'), (n) => /\.(conf|template|inc)$/.test(n)).flatMap((f) =>
    [...read(f).matchAll(/return\s+(\d{3})\s+'\{"error":\{"code":"([A-Z_]+)"/g)].map((m): [string, string, number] => [rel(f), m[2], Number(m[1])]),
  );
}

/** [file, code] for every error JSON literal in TypeScript sources. */
function handWrittenCodes(): Array<[string, string]> {
  const sources = ['packages', 'services'].flatMap((d) =>
    readdirSync(join(ROOT, d)).flatMap((p) => {
      const src = join(ROOT, d, p, 'src');
      try {
        return files(src, (n) => n.endsWith('.ts'));
      } catch {
        return [];
      }
    }),
  );
  return sources.flatMap((f) => [...read(f).matchAll(/error:\s*\{\s*code:\s*'([A-Z_]+)'/g)].map((m): [string, string] => [rel(f), m[1]]));
}

describe('one catalogue of error codes', () => {
  it('when the scan reads an edge error body, then it finds its code and status', () => {
    const sample = `return 429 '{"error":{"code":"RATE_LIMITED","message":"x"}}';`;
    expect([...sample.matchAll(/return\s+(\d{3})\s+'\{"error":\{"code":"([A-Z_]+)"/g)].map((m) => [m[2], m[1]])).toEqual([['RATE_LIMITED', '429']]);
    expect(nginxBodies().length).toBeGreaterThan(5);
  });

  it('when nginx answers an error itself, then its code is in the catalogue with that status', () => {
    const wrong = nginxBodies().filter(([, code, status]) => !isErrorCode(code) || ErrorCatalogue[code] !== status);
    expect(wrong).toEqual([]);
  });

  it("when Kong refuses a flood, then it answers with the catalogue's RATE_LIMITED status", () => {
    const kong = read(join(ROOT, 'kong-docker-compose', 'kong.yml'));
    const statuses = [...kong.matchAll(/error_code:\s*(\d{3})/g)].map((m) => Number(m[1]));
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === ErrorCatalogue.RATE_LIMITED)).toBe(true);
  });

  it('when TypeScript writes an error body by hand, then its code is in the catalogue', () => {
    const found = handWrittenCodes();
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter(([, code]) => !isErrorCode(code))).toEqual([]);
  });

  it('when a README or doc names a code with its status, then the catalogue agrees', () => {
    const docs = [
      join(ROOT, 'README.md'),
      ...files(join(ROOT, 'docs'), (n) => n.endsWith('.md')),
      ...['services', 'packages'].flatMap((d) => readdirSync(join(ROOT, d)).map((p) => join(ROOT, d, p, 'README.md'))),
    ].filter((f) => { try { return Boolean(read(f)); } catch { return false; } });
    const named = docs.flatMap((f) =>
      [...read(f).matchAll(/(\d{3}) `([A-Z][A-Z_]+)`|`([A-Z][A-Z_]+)` (\d{3})/g)].map((m): [string, string, number] => [
        rel(f),
        m[2] ?? m[3],
        Number(m[1] ?? m[4]),
      ]),
    );
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter(([, code, status]) => !isErrorCode(code) || ErrorCatalogue[code] !== status)).toEqual([]);
  });
});
