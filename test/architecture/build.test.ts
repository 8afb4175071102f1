import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * The compiled JavaScript the stack and the images run (docs/decisions.md, "Compiled
 * JavaScript at run time, TypeScript in development"): every workspace that ships is a tsc
 * project whose references follow its @shop/* dependencies, every package resolves to dist/
 * under the `shop-dist` condition and to its source otherwise, and every module a build
 * imports at run time is a declared dependency (the image installs no dev dependencies).
 */
const ROOT = join(import.meta.dirname, '..', '..');
/** Test helpers only: never built, never in an image. */
const NOT_BUILT = new Set(['packages/testing']);

interface PackageJson {
  name: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
}
interface BuildConfig {
  compilerOptions?: { rootDir?: string; outDir?: string; composite?: boolean };
  references?: Array<{ path: string }>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;
const workspaces = ['packages', 'services'].flatMap((kind) => readdirSync(join(ROOT, kind)).map((n) => `${kind}/${n}`)).filter((w) => !NOT_BUILT.has(w));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const packageName = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** The packages a module loads at run time: value imports, re-exports and import() (type-only ones are erased). */
export function runtimeImports(text: string): string[] {
  const found = new Set<string>();
  const statics = /^\s*(?:import|export)\s+(type\s+)?(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(statics)) if (!m[1]) found.add(m[2]);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.add(m[1]);
  return [...found].filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s)).map(packageName);
}

describe('the build', () => {
  it('when the import scan reads a module, then it finds value imports and skips types, relatives and builtins', () => {
    const text = [
      "import { z } from 'zod';",
      "import type { Knex } from 'knex';",
      "export type { Redis } from 'ioredis';",
      "import {\n  a,\n  b,\n} from '@scope/pkg/sub';",
      "import './side-effect.js';",
      "import { readFile } from 'node:fs/promises';",
      "import { EventEmitter } from 'events';",
      "export { x } from 'pino';",
      "const m = await import('amqplib');",
    ].join('\n');
    expect(runtimeImports(text).sort()).toEqual(['@scope/pkg', 'amqplib', 'pino', 'zod']);
  });

  it.each(workspaces)('when %s is built, then its tsc project compiles src/ to dist/ and references its @shop/* dependencies', (workspace) => {
    const config = readJson<BuildConfig>(`${workspace}/tsconfig.build.json`);
    expect({ rootDir: config.compilerOptions?.rootDir, outDir: config.compilerOptions?.outDir }).toEqual({ rootDir: 'src', outDir: 'dist' });
    const deps = Object.keys(readJson<PackageJson>(`${workspace}/package.json`).dependencies ?? {}).filter((d) => d.startsWith('@shop/'));
    const referenced = (config.references ?? []).map((r) => `@shop/${r.path.split('/').at(-2)}`);
    expect(referenced.sort()).toEqual(deps.sort());
    for (const r of config.references ?? []) expect({ ref: r.path, composite: readJson<BuildConfig>(relative(ROOT, join(ROOT, workspace, r.path))).compilerOptions?.composite }).toEqual({ ref: r.path, composite: true });
  });

  it.each(workspaces.filter((w) => w.startsWith('packages/')))('when %s is imported, then node under shop-dist gets dist/ and everything else its source', (workspace) => {
    const pkg = readJson<PackageJson>(`${workspace}/package.json`);
    expect(pkg.exports).toEqual({ '.': { 'shop-dist': './dist/index.js', default: './src/index.ts' } });
  });

  it.each(workspaces)('when %s runs from an image without dev dependencies, then every package it loads is one of its dependencies', (workspace) => {
    const deps = new Set(Object.keys(readJson<PackageJson>(`${workspace}/package.json`).dependencies ?? {}));
    const missing = sourceFiles(join(ROOT, workspace, 'src')).flatMap((file) =>
      runtimeImports(readFileSync(file, 'utf8'))
        .filter((name) => !deps.has(name))
        .map((name) => `${relative(ROOT, file)} loads ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('when pm2 starts a replica, then it runs the service compiled, under the shop-dist condition, with the tracing preload and the heap limit', async () => {
    const { createRequire } = await import('node:module');
    const eco = createRequire(import.meta.url)('../../ecosystem.config.cjs') as { apps: Array<{ name: string; script: string; node_args?: string; env: { PORT?: string } }> };
    const replicas = eco.apps.filter((a) => a.env.PORT);
    expect(replicas.length).toBeGreaterThan(0);
    for (const app of replicas) {
      expect({ app: app.name, script: app.script, args: app.node_args }).toEqual({ app: app.name, script: expect.stringMatching(/^services\/\w+\/dist\/main\.js$/), args: '--max-old-space-size=384 --max-semi-space-size=64 --conditions=shop-dist --import ./packages/telemetry/dist/register.js' });
      expect(existsSync(join(ROOT, app.script.replace('/dist/main.js', '/src/main.ts')))).toBe(true);
    }
  });
});
