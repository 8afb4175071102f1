import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '../..');
const MON = join(ROOT, 'monitoring');

function run(cmd: string, args: string[], cwd = MON): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

interface Rule {
  alert?: string;
  record?: string;
}
const rules = parse(readFileSync(join(MON, 'prometheus/rules.yml'), 'utf8')) as { groups: Array<{ rules: Rule[] }> };
const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert).filter((a): a is string => a !== undefined));

describe('the alerting and recording rules', () => {
  it('when promtool checks the rules file, then it is valid', () => {
    expect(run('promtool', ['check', 'rules', 'prometheus/rules.yml'])).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('when promtool runs the rule unit tests, then every one passes', () => {
    expect(run('promtool', ['test', 'rules', 'prometheus/rules.test.yml'])).toContain('SUCCESS');
  });

  it('when the alerts are listed, then each has a unit test that expects it to fire and one moment it must not', () => {
    const tests = parse(readFileSync(join(MON, 'prometheus/rules.test.yml'), 'utf8')) as {
      tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
    };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    expect(alerts.length).toBeGreaterThanOrEqual(8);
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect({ alert, fires: mine.some((c) => c.exp_alerts.length > 0), silentFirst: mine.some((c) => c.exp_alerts.length === 0) }).toEqual({
        alert,
        fires: true,
        silentFirst: true,
      });
    }
  });

  it('when the native and the Compose Prometheus configs are checked, then promtool accepts both (rules included)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prom-config-'));
    const native = readFileSync(join(MON, 'prometheus/prometheus.native.yml'), 'utf8').replaceAll('${ROOT}', ROOT);
    writeFileSync(join(dir, 'native.yml'), native);
    expect(run('promtool', ['check', 'config', join(dir, 'native.yml')])).toContain('SUCCESS');
    // The Compose file names its rules at the path the container mounts them; point it here.
    const docker = readFileSync(join(MON, 'prometheus/prometheus.docker.yml'), 'utf8').replaceAll('/etc/prometheus/rules.yml', join(MON, 'prometheus/rules.yml'));
    writeFileSync(join(dir, 'docker.yml'), docker);
    expect(run('promtool', ['check', 'config', join(dir, 'docker.yml')])).toContain('SUCCESS');
  });

  it('when amtool checks the Alertmanager config, then it is valid', () => {
    expect(run('amtool', ['check-config', 'alertmanager/alertmanager.yml'])).toContain('SUCCESS');
  });
});
