/**
 * The storefront is cheap under a crowd: a small static build (the JavaScript budget is
 * checked on the built files), served by the edge from disk with the right cache headers.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../edge/edge-files.js';
import { EDGE } from '../e2e/api.js';

const DIST = join(ROOT, 'storefront', 'dist');
const BUDGET_DROP_PAGE = 150 * 1024;
const BUDGET_STOREFRONT = 60 * 1024;

interface Chunk {
  file: string;
  imports?: string[];
  css?: string[];
}

function manifest(): Record<string, Chunk> {
  const path = join(DIST, '.vite', 'manifest.json');
  if (!existsSync(path)) throw new Error(`${path} is missing: npm run up builds the storefront (scripts/lib/storefront.sh)`);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, Chunk>;
}

/** The files a page downloads: its chunk, every chunk it imports statically, their CSS. */
function closure(m: Record<string, Chunk>, keys: string[]): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = m[key];
    if (!chunk) throw new Error(`manifest has no ${key}`);
    files.add(chunk.file);
    chunk.css?.forEach((f) => files.add(f));
    chunk.imports?.forEach(visit);
  };
  keys.forEach(visit);
  return files;
}

const gzipped = (files: Set<string>) => [...files].reduce((sum, f) => sum + gzipSync(readFileSync(join(DIST, f)), { level: 9 }).length, 0);

describe('storefront build', () => {
  it('when the drop page loads, then its JavaScript and CSS fit in 150 kB gzipped', () => {
    const m = manifest();
    const files = closure(m, ['index.html', 'src/pages/DropPage.tsx']);
    expect([...files].some((f) => /DropPage-.*\.js$/.test(f))).toBe(true);
    expect(gzipped(files)).toBeLessThanOrEqual(BUDGET_DROP_PAGE);
  });

  it('when a shopper opens the shop, then the admin code is not part of what they download', () => {
    const m = manifest();
    const files = closure(m, ['index.html']);
    expect([...files].some((f) => /Admin/.test(f))).toBe(false);
    expect(gzipped(files)).toBeLessThanOrEqual(BUDGET_STOREFRONT);
  });

  it('when built, then every asset name carries a content hash (so it may be cached for a year)', () => {
    for (const chunk of Object.values(manifest())) {
      for (const f of [chunk.file, ...(chunk.css ?? [])]) expect(f).toMatch(/^assets\/[A-Za-z0-9_.-]+-[A-Za-z0-9_-]{8}\.(js|css)$/);
    }
  });
});

describe('storefront at the edge', () => {
  const entry = () => manifest()['index.html'].file;

  it('when a page of the app is opened, then index.html comes from disk and is revalidated every time', async () => {
    for (const path of ['/', '/products/00000000-0000-4000-8000-000000000000', '/cart', '/drops/x', '/admin/products']) {
      const res = await fetch(`${EDGE}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(await res.text()).toContain('<div id="app">');
    }
  });

  it('when a hashed asset is fetched, then it is gzipped and immutable for a year', async () => {
    const res = await fetch(`${EDGE}/${entry()}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    await res.arrayBuffer();
  });

  it('when a path is neither the app nor the API, then the edge keeps its JSON 404', async () => {
    for (const path of ['/assets/no-such-file-00000000.js', '/api/nothing-here', '/productsX']) {
      const res = await fetch(`${EDGE}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      await res.text();
    }
  });
});
