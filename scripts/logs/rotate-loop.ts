/** The log-rotate helper pm2 runs (ecosystem.config.cjs): rotateOnce over LOG_DIR, every LOG_ROTATE_EVERY_MS. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rotateOnce } from './rotate.js';

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`log-rotate: ${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

function main(): void {
  const dir = process.env.LOG_DIR ?? join(fileURLToPath(new URL('../..', import.meta.url)), '.run', 'logs');
  const options = { maxBytes: positiveInt('LOG_MAX_BYTES', 64 * 1024 * 1024), keep: positiveInt('LOG_KEEP', 2) };
  const every = positiveInt('LOG_ROTATE_EVERY_MS', 30_000);
  const pass = () => {
    try {
      const rotated = rotateOnce(dir, options);
      if (rotated.length > 0) console.log(`${new Date().toISOString()} rotated ${rotated.join(', ')}`);
    } catch (err) {
      console.error(`${new Date().toISOString()} rotation failed: ${String(err)}`);
    }
  };
  pass();
  const timer = setInterval(pass, every);
  const stop = () => {
    clearInterval(timer);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main();
