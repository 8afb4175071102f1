/**
 * A rolling reload through scripts/pm2.sh (npm run pm2) never has two apps down at once, in
 * whatever order pm2 holds them. Run against a throwaway pm2 daemon (its own PM2_HOME) with two
 * tiny apps standing in for a service's twins, so it needs no platform and disturbs none.
 * Plain pm2 (two apps at a time) stops both twins together here, as it did to order-1 and
 * order-2 in fault scenario R13 (docs/decisions.md, "A rolling reload acts on one replica at a time").
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PM2 = process.env.ROLLING_RELOAD_PM2 ?? join(ROOT, 'scripts', 'pm2.sh');
const dir = mkdtempSync(join(tmpdir(), 'rolling-reload-'));
const LOG = join(dir, 'events.log');
const ECO = join(dir, 'ecosystem.config.cjs');
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', PM2_HOME: join(dir, 'pm2') };
const pm2 = async (...args: string[]) => (await promisify(execFile)(PM2, args, { env, timeout: 60_000 })).stdout;

// Ready 300 ms after its start (process.send('ready'), as @shop/service does), 500 ms to stop.
const APP = `const fs = require('node:fs');
const log = (e) => fs.appendFileSync(process.env.LOG, JSON.stringify({ app: process.env.APP, e, t: Date.now() }) + '\\n');
setTimeout(() => { log('ready'); process.send?.('ready'); }, 300);
process.on('SIGINT', () => { log('stop'); setTimeout(() => process.exit(0), 500); });
setInterval(() => {}, 1000);
`;
const app = (name: string) => ({ name, script: join(dir, 'app.cjs'), exec_mode: 'fork', wait_ready: true, listen_timeout: 10_000, kill_timeout: 5_000, env: { APP: name, LOG } });

interface Event { app: string; e: 'ready' | 'stop'; t: number }

/** Each app's time down in the reload: from its stop to the next ready. */
function downtimes(events: Event[]): Array<{ app: string; from: number; to: number }> {
  const out: Array<{ app: string; from: number; to: number }> = [];
  for (const stop of events.filter((e) => e.e === 'stop')) {
    const back = events.find((e) => e.app === stop.app && e.e === 'ready' && e.t >= stop.t);
    out.push({ app: stop.app, from: stop.t, to: back?.t ?? Infinity });
  }
  return out;
}

describe('a rolling reload (scripts/pm2.sh)', () => {
  beforeAll(async () => {
    writeFileSync(join(dir, 'app.cjs'), APP);
    writeFileSync(ECO, `module.exports = { apps: ${JSON.stringify([app('svc-1'), app('svc-2')])} };\n`);
    await pm2('start', ECO);
  }, 60_000);
  afterAll(async () => {
    await pm2('kill').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('when the process file is reloaded, then the next app is stopped only once the last is ready again', async () => {
    writeFileSync(LOG, '');
    await pm2('reload', ECO);
    const events = readFileSync(LOG, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Event);
    const [a, b] = downtimes(events).sort((x, y) => x.from - y.from);
    expect([a?.app, b?.app].sort()).toEqual(['svc-1', 'svc-2']);
    // b went down only after a was back: never both at once.
    expect({ firstBackAt: a.to, secondDownAt: b.from, overlapMs: Math.max(0, a.to - b.from) }).toEqual({ firstBackAt: a.to, secondDownAt: b.from, overlapMs: 0 });
  }, 60_000);
});
