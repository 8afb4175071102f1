/**
 * Logs stay bounded (issue 10, item 13): the edge does not write a line per refused
 * request to its error log, buffers its access log, and every log under .run/logs is
 * rotated by the log-rotate helper that pm2 runs beside the services.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotateOnce } from '../../scripts/logs/rotate.js';
import { nginxDirectives, RENDERED_EDGE, render, ROOT } from '../edge/edge-files.js';

interface App {
  name: string;
  script: string;
  out_file?: string;
  error_file?: string;
  env: Record<string, string>;
}
const apps = (createRequire(import.meta.url)(join(ROOT, 'ecosystem.config.cjs')) as { apps: App[] }).apps;
const LOGS = join(ROOT, '.run', 'logs');

describe('bounded logs', () => {
  it('when the edge conf is rendered, then refusals are below the error log level and the access log is buffered', async () => {
    await render();
    const conf = readFileSync(RENDERED_EDGE, 'utf8');
    const levels = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'];
    const errorLogs = nginxDirectives(conf, 'error_log');
    expect(errorLogs.length).toBeGreaterThan(0);
    for (const [file, level] of errorLogs) {
      expect(file.startsWith(LOGS)).toBe(true);
      expect(levels.indexOf(level)).toBeGreaterThanOrEqual(levels.indexOf('warn'));
    }
    const errorLevel = Math.min(...errorLogs.map(([, level]) => levels.indexOf(level)));
    const refusalLevels = nginxDirectives(conf, 'limit_req_log_level').map(([l]) => levels.indexOf(l));
    expect(refusalLevels.length).toBeGreaterThan(0);
    for (const level of refusalLevels) expect(level).toBeLessThan(errorLevel);
    const accessLogs = nginxDirectives(conf, 'access_log').filter(([file]) => file !== 'off');
    expect(accessLogs.length).toBeGreaterThan(0);
    for (const args of accessLogs) {
      expect(args[0].startsWith(LOGS)).toBe(true);
      expect(args).toEqual(expect.arrayContaining([expect.stringMatching(/^buffer=\d+k$/), expect.stringMatching(/^flush=\d+s$/)]));
    }
  });

  it('when pm2 starts the process file, then every service log and the edge logs are in the directory log-rotate bounds', () => {
    const rotator = apps.find((a) => a.name === 'log-rotate');
    expect(rotator).toBeDefined();
    expect(existsSync(join(ROOT, rotator!.script))).toBe(true);
    expect(rotator!.env.LOG_DIR).toBe(LOGS);
    expect(Number(rotator!.env.LOG_MAX_BYTES)).toBeGreaterThan(0);
    expect(Number(rotator!.env.LOG_MAX_BYTES)).toBeLessThanOrEqual(256 * 1024 * 1024);
    for (const app of apps) {
      expect(app.out_file?.startsWith(`${LOGS}/`) && app.out_file.endsWith('.log')).toBe(true);
      expect(app.error_file?.startsWith(`${LOGS}/`) && app.error_file.endsWith('.log')).toBe(true);
    }
  });

  it('when a log passes the cap, then it is copied aside and truncated, and only `keep` old copies remain', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    try {
      const log = join(dir, 'order-1.log');
      const small = join(dir, 'cart-1.log');
      writeFileSync(small, 'x'.repeat(10));
      for (let round = 1; round <= 4; round++) {
        writeFileSync(log, String(round).repeat(200));
        expect(rotateOnce(dir, { maxBytes: 100, keep: 2 })).toEqual(['order-1.log']);
        expect(statSync(log).size).toBe(0);
      }
      expect(readFileSync(`${log}.1`, 'utf8')).toBe('4'.repeat(200));
      expect(readFileSync(`${log}.2`, 'utf8')).toBe('3'.repeat(200));
      expect(existsSync(`${log}.3`)).toBe(false);
      expect(readFileSync(small, 'utf8')).toBe('x'.repeat(10));
      expect(existsSync(`${small}.1`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
