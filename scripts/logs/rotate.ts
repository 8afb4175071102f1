/**
 * Keeps .run/logs bounded: every `*.log` there that has grown past LOG_MAX_BYTES is
 * copied to `<name>.1` (older copies shift to `.2` ... `.LOG_KEEP`, the oldest is
 * deleted) and truncated in place. rotate-loop.ts runs this under pm2 as `log-rotate`
 * (ecosystem.config.cjs), every LOG_ROTATE_EVERY_MS.
 *
 * Copy-then-truncate rather than rename-and-reopen: pm2 and nginx both open their logs
 * with O_APPEND, so after the truncate their next write lands at the new end of the file
 * and neither needs a signal. The cost is that a line written between the copy and the
 * truncate is lost, which for a log (never for data) is the usual logrotate trade.
 *
 * Worst case on disk per log: (LOG_KEEP + 1) x LOG_MAX_BYTES plus one check interval.
 */
import { copyFileSync, existsSync, readdirSync, renameSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';

export interface RotateOptions {
  maxBytes: number;
  keep: number;
}

/** One pass over `dir`; returns the logs it rotated. */
export function rotateOnce(dir: string, { maxBytes, keep }: RotateOptions): string[] {
  if (!existsSync(dir)) return [];
  const rotated: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.log')) continue;
    const file = join(dir, name);
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) continue;
      size = st.size;
    } catch {
      continue; // removed meanwhile
    }
    if (size <= maxBytes) continue;
    rmSync(`${file}.${keep}`, { force: true });
    for (let n = keep - 1; n >= 1; n--) if (existsSync(`${file}.${n}`)) renameSync(`${file}.${n}`, `${file}.${n + 1}`);
    if (keep >= 1) copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
    rotated.push(name);
  }
  return rotated;
}
