/**
 * Schemathesis (PyPI, installed by npm run up into .run/schemathesis) against the merged
 * OpenAPI document that the edge serves at /api-docs/openapi.json, through :8000: every
 * check, a bounded number of examples per operation, admin operations with an admin
 * token and the rest with a customer's. Any failure fails the test with Schemathesis' report.
 *
 * SCHEMATHESIS_EXAMPLES (default 20) sets the examples per operation.
 */
import { describe, expect, it, beforeAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestUser, type TestUser } from '@shop/testing';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, '.run', 'schemathesis', 'bin', 'schemathesis');
const EDGE = process.env.EDGE_URL ?? 'http://127.0.0.1:8000';
const EXAMPLES = process.env.SCHEMATHESIS_EXAMPLES ?? '20';
const REPORTS = join(ROOT, '.run', 'schemathesis-reports');

interface Run {
  code: number;
  output: string;
}

function schemathesis(name: string, tokens: { customer: string; admin: string }, filter: string[] = []): Promise<Run> {
  mkdirSync(REPORTS, { recursive: true });
  const args = [
    '--config-file', join(ROOT, 'test', 'api', 'schemathesis.toml'),
    'run', `${EDGE}/api-docs/openapi.json`,
    '--url', EDGE,
    '--checks', 'all',
    // `--checks all` switches on what schemathesis.toml switches off, so the one exclusion
    // (a drop's guessed link to a buyer's ticket, see the toml) is repeated here; without it
    // the stateful phase failed 1 run in 2 (ST302 on GET /api/drops/{id}/queue/me).
    '--exclude-checks', 'ensure_resource_availability',
    '--max-examples', EXAMPLES,
    '--seed', '20261201',
    '--workers', '1',
    '--request-timeout', '10',
    '--no-color',
    '--generation-database', 'none',
    '--report', 'junit', '--report-junit-path', join(REPORTS, `${name}.xml`),
    ...filter,
  ];
  return new Promise((resolve) => {
    execFile(BIN, args, { cwd: ROOT, timeout: 240_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', SHOP_CUSTOMER_TOKEN: tokens.customer, SHOP_ADMIN_TOKEN: tokens.admin } }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, output: `${stdout}${stderr}` });
    });
  });
}

/** The summary lines (and, on failure, the failures) without the progress noise. */
const summary = (out: string) => out.split('\n').filter((l) => !/^\s*(✅|⏭|🚫)?\s*$/.test(l)).slice(-400).join('\n');

describe('Schemathesis against the merged OpenAPI document through the edge', () => {
  let customer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: npm run up installs Schemathesis`);
    [customer, admin] = await Promise.all([createTestUser(), createTestUser({ roles: ['admin'] })]);
  });

  it('when every operation is fuzzed (admin ones with an admin token, the rest with a customer\'s), then no check fails', async () => {
    const run = await schemathesis('api', { customer: customer.accessToken, admin: admin.accessToken });
    expect(run.code === 0 ? 'passed' : summary(run.output).slice(-8000)).toBe('passed');
  }, 300_000);
});
