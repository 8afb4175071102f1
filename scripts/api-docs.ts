/**
 * The one OpenAPI document of the whole API, generated from every service's route
 * declarations (each route is declared once, with defineRoute), and the Swagger UI
 * page that shows it at /api-docs through the edge.
 *
 *   npx tsx scripts/api-docs.ts [outDir]    (default .run/api-docs; npm run up does this)
 */
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openApiDocument } from '@shop/http';
import { cartRoutes } from '../services/cart/src/http/cart.routes.js';
import { emailRoutes } from '../services/email/src/http/admin.routes.js';
import { inventoryRoutes } from '../services/inventory/src/http/inventory.routes.js';
import { orderApi } from '../services/order/src/http/api.js';
import { productApi } from '../services/product/src/http/api.js';
import { userApi } from '../services/user/src/http/api.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every service's routes, in the order the edge table lists them. */
export const allRoutes = [...userApi, ...productApi, ...cartRoutes, ...orderApi, ...inventoryRoutes, ...emailRoutes];

export function mergedDocument(): Record<string, unknown> {
  return openApiDocument(
    {
      title: 'dropshop API',
      description:
        'The whole API through the edge (:8000): users and auth, catalog, cart, orders and drops, inventory, email. ' +
        'Errors are {"error": {"code", "message", "requestId"}}; money is integer minor units with a currency; ' +
        'lists are cursor-paginated ({items, nextCursor}). Generated from the services\' route declarations.',
    },
    allRoutes as never,
  );
}

const SWAGGER_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png'];

/** Writes openapi.json, the page and the Swagger UI assets into outDir (built beside it, then swapped in). */
export function writeApiDocs(outDir: string): void {
  const next = `${outDir}.next`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  writeFileSync(join(next, 'openapi.json'), `${JSON.stringify(mergedDocument(), null, 2)}\n`);
  for (const file of ['index.html', 'init.js']) copyFileSync(join(ROOT, 'nginx', 'api-docs', file), join(next, file));
  const swagger = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  for (const file of SWAGGER_FILES) copyFileSync(join(swagger, file), join(next, file));
  rmSync(outDir, { recursive: true, force: true });
  renameSync(next, outDir);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const out = resolve(process.argv[2] ?? join(ROOT, '.run', 'api-docs'));
  writeApiDocs(out);
  console.log(`wrote ${join(out, 'openapi.json')}`);
}
