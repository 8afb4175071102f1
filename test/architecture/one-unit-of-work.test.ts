import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * "A transaction plus its outbox rows" has one spelling: createUnitOfWork in @shop/messaging
 * (packages/messaging/README.md). A service that writes the outbox itself, or kicks the relay
 * itself, has grown a second one; this scan of services/<name>/src finds it.
 */
const ROOT = join(import.meta.dirname, '..', '..');

const RULES: Array<{ what: string; pattern: RegExp }> = [
  { what: 'writes the outbox itself (enqueueEvent)', pattern: /\benqueueEvent\b/ },
  { what: "touches the outbox table (trx('outbox'))", pattern: /\(\s*['"]outbox['"]\s*\)/ },
  { what: 'waits for a commit itself (executionPromise)', pattern: /\bexecutionPromise\b/ },
  { what: 'kicks the relay itself (the unit of work does, after the commit)', pattern: /\brelay\??\.kick\b|\bkickRelay\b|\bonOutboxCommit\b|\bafterCommit\b/ },
];

// Files allowed a hand-made transaction-plus-outbox while they move onto the unit of work.
// Empty: every service is on it. Nothing may be added to it.
const NOT_YET_CONVERTED = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

const services = readdirSync(join(ROOT, 'services'));
const files = services.flatMap((s) => sourceFiles(join(ROOT, 'services', s, 'src'))).map((f) => relative(ROOT, f));

export function offences(text: string): string[] {
  return RULES.filter((r) => r.pattern.test(text)).map((r) => r.what);
}

describe('one unit of work', () => {
  it('when the rules read a hand-made transaction-plus-outbox, then they flag it', () => {
    const handMade = `await db.transaction(async (trx) => { await enqueueEvent(trx, e); }); relay.kick();`;
    expect(offences(handMade)).toHaveLength(2);
    expect(offences(`trx.executionPromise.then(deps.onOutboxCommit)`)).toHaveLength(2);
    expect(offences(`await trx('outbox').insert(rows)`)).toHaveLength(1);
    expect(offences(`await uow.run(({ trx, outbox }) => outbox.emit('x.y.v1', data))`)).toEqual([]);
  });

  it('when a service writes events with its rows, then it does so through createUnitOfWork only', () => {
    expect(files.length).toBeGreaterThan(50);
    const found = files
      .filter((f) => !NOT_YET_CONVERTED.has(f))
      .flatMap((f) => offences(readFileSync(join(ROOT, f), 'utf8')).map((what) => `${f}: ${what}`));
    expect(found).toEqual([]);
  });

  it('when a file on the not-yet-converted list is converted, then it leaves the list', () => {
    const stale = [...NOT_YET_CONVERTED].filter((f) => !files.includes(f) || offences(readFileSync(join(ROOT, f), 'utf8')).length === 0);
    expect(stale).toEqual([]);
  });
});
