/**
 * The start of every Node load script (tracing-cost.ts, capacity.ts, drop-rehearsal/): where the
 * checkout and its k6 are, a logger stamped with the script's name and the time, and the clock
 * tick that /proc/<pid>/stat counts CPU in. (The other files here are k6 modules.)
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The checkout these scripts are in: where their results are written. */
export const CHECKOUT = resolve(import.meta.dirname, '../..');

export interface LoadScript {
  /** The checkout whose .run/ (tools, build, state) the script uses: `stack`, else this one. */
  root: string;
  /** k6, as `npm run up` builds it into that checkout. */
  k6: string;
  /** `[name HH:MM:SS] ...parts`, to stderr unless `logTo` says stdout. */
  log: (...parts: unknown[]) => void;
}

export function loadScript(name: string, options: { stack?: string; logTo?: 'stdout' | 'stderr' } = {}): LoadScript {
  const root = options.stack ?? CHECKOUT;
  const write = options.logTo === 'stdout' ? console.log : console.error;
  return {
    root,
    k6: join(root, '.run/tools/bin/k6'),
    log: (...parts) => write(`[${name} ${new Date().toISOString().slice(11, 19)}]`, ...parts),
  };
}

/** Clock ticks per second (CLK_TCK), the unit of utime and stime in /proc/<pid>/stat. */
export const clockTicksPerSecond = (): number => Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
