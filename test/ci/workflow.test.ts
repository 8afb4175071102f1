import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const ACTIONLINT = join(ROOT, '.run', 'tools', 'bin', 'actionlint');
const WORKFLOW = join(ROOT, '.github', 'workflows', 'ci.yml');

function actionlint(file: string): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(ACTIONLINT, ['-no-color', file], { encoding: 'utf8' }) };
  } catch (err) {
    return { ok: false, output: String((err as { stdout?: string }).stdout ?? err) };
  }
}

describe('the GitHub Actions workflow', () => {
  it('when actionlint reads ci.yml, then it finds nothing wrong', () => {
    expect(existsSync(ACTIONLINT)).toBe(true); // scripts/up.sh builds it
    const result = actionlint(WORKFLOW);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('when the workflow is broken, then actionlint says so (the check can fail)', () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'wf-')), 'ci.yml');
    writeFileSync(broken, readFileSync(WORKFLOW, 'utf8').replace('runs-on: ubuntu-24.04', 'runs-on: ${{ matrix.nope }}'));
    expect(actionlint(broken).ok).toBe(false);
  });

  it('when the workflow runs tests, then it runs the README test command', () => {
    expect(readFileSync(WORKFLOW, 'utf8')).toMatch(/npm test/);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toMatch(/npm test/);
  });

  it('when the workflow builds the image, then it builds it once and only main pushes it and packages the chart', () => {
    type Step = { uses?: string; run?: string };
    type Job = { if?: string; needs?: string[]; steps: Step[] };
    const wf = parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: Record<string, Job> };
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
    expect(steps.filter((s) => s.uses?.startsWith('docker/build-push-action'))).toHaveLength(1);
    const publish = Object.values(wf.jobs).find((j) => j.steps.some((s) => /docker push/.test(s.run ?? '')));
    expect(publish?.if).toMatch(/refs\/heads\/main/);
    expect(publish?.needs).toEqual(expect.arrayContaining(['test', 'image']));
    expect(publish?.steps.some((s) => /helm package deploy\/helm\/dropshop/.test(s.run ?? ''))).toBe(true);
    // The pushed image is the one the tests ran against: loaded from the build job, not rebuilt.
    expect(publish?.steps.some((s) => /docker load/.test(s.run ?? ''))).toBe(true);
  });
});
