// `npm run build`: deletes the outputs whose source is gone from every workspace's dist/, then
// `tsc -b` over the projects and flags it is given (package.json passes the services'
// tsconfig.build.json; `npm run build -- --verbose` reaches tsc).
//
// tsc -b never deletes an output: a deleted or renamed src/x.ts leaves dist/x.js behind
// (services/inventory/dist/jobs/reservation-sweeper.js outlived its source), and whatever reads
// dist/ by directory (knex's migrations, say) would still load it. Cleaning dist/ first would
// recompile every project on every `npm run up`; this is one walk over dist/ and keeps tsc's
// incremental build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
/** What tsc emits for a source `x.ts`, `x.mts` or `x.cts` (with declarations and maps). */
const OUTPUT = /^(.*)\.(js|mjs|cjs|d\.ts|d\.mts|d\.cts)(\.map)?$/;
const SOURCES = { js: ['.ts', '.tsx'], 'd.ts': ['.ts', '.tsx'], mjs: ['.mts'], 'd.mts': ['.mts'], cjs: ['.cts'], 'd.cts': ['.cts'] };

/** Deletes the outputs under outDir that no source under rootDir makes; true when the directory is left empty. */
function prune(outDir, rootDir) {
  let left = 0;
  for (const entry of readdirSync(outDir, { withFileTypes: true })) {
    const out = join(outDir, entry.name);
    if (entry.isDirectory()) {
      if (prune(out, join(rootDir, entry.name))) rmdirSync(out);
      else left++;
      continue;
    }
    const m = OUTPUT.exec(entry.name);
    if (m && !SOURCES[m[2]].some((ext) => existsSync(join(rootDir, m[1] + ext)))) {
      rmSync(out);
      console.log(`build: deleted ${relative(ROOT, out)} (its source is gone)`);
    } else left++;
  }
  return left === 0;
}

for (const group of ['packages', 'services']) {
  for (const name of readdirSync(join(ROOT, group))) {
    const dir = join(ROOT, group, name);
    const config = join(dir, 'tsconfig.build.json');
    if (!existsSync(config)) continue;
    const { compilerOptions = {} } = JSON.parse(readFileSync(config, 'utf8'));
    const outDir = join(dir, compilerOptions.outDir ?? 'dist');
    if (existsSync(outDir)) prune(outDir, join(dir, compilerOptions.rootDir ?? 'src'));
  }
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const { status } = spawnSync(process.execPath, [tsc, '-b', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(status ?? 1);
