// Writes a .gz beside every text asset of the build, so nginx serves them with
// gzip_static: compressed once at build time at the best level, never per request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL(`../${process.env.STOREFRONT_DIST ?? 'dist'}/`, import.meta.url).pathname;
let files = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(js|css|html|svg|json)$/.test(name)) {
      writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
      files++;
    }
  }
};
walk(dist);
console.log(`precompress: ${files} files gzipped in ${dist}`);
