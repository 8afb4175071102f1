import { defineConfig } from 'vite';

// Preact's JSX through esbuild's automatic runtime: no framework plugin needed.
// Hashed file names under /assets/ are what lets nginx cache them for a year
// (immutable); index.html is the one file that must always be revalidated.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    // .vite/manifest.json: the build's own files, which scripts/lib/storefront.sh keeps for one more build.
    manifest: true,
    // Fail loudly rather than ship a page that quietly outgrows its budget.
    chunkSizeWarningLimit: 100,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
});
