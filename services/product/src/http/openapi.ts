import { z } from 'zod';
import { SORTS } from '../domain/product.js';
import { CreateCategoryBody, CreateProductBody, UpdateProductBody } from './product.schemas.js';
import { CategoryPageSchema, CategorySchema, ErrorSchema, ProductPageSchema, ProductSchema } from './responses.js';

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string) => ({ description, content: { 'application/json': { schema: ref(id) } } });
const error = (description: string) => json('Error', description);
const cacheHeader = { 'X-Cache': { description: 'HIT when served from Redis, MISS when loaded from Postgres', schema: { type: 'string', enum: ['HIT', 'MISS'] } } };
const cached = (id: string, description: string) => ({ ...json(id, description), headers: cacheHeader });

function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  const entries: Array<[string, z.ZodType]> = [
    ['Product', ProductSchema], ['ProductPage', ProductPageSchema], ['Category', CategorySchema],
    ['CategoryPage', CategoryPageSchema], ['Error', ErrorSchema], ['CreateProduct', CreateProductBody],
    ['UpdateProduct', UpdateProductBody], ['CreateCategory', CreateCategoryBody],
  ];
  for (const [id, schema] of entries) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'input', unrepresentable: 'any' });
  // Each becomes a component of one document: a per-schema $schema/$id would start a new resource.
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => {
    const { $schema: _s, $id: _i, ...rest } = s as Record<string, unknown>;
    return [id, rest];
  }));
}

const idParam = { name: 'id', in: 'path', required: true, description: 'product id; a malformed one is 404 like an unknown one', schema: { type: 'string', format: 'uuid' } };
const intParam = (name: string, description: string, min: number, max: number, dflt?: number) => ({
  name, in: 'query', required: false, description, schema: { type: 'integer', minimum: min, maximum: max, ...(dflt === undefined ? {} : { default: dflt }) },
});
const strParam = (name: string, description: string, extra: object = {}) => ({ name, in: 'query', required: false, description, schema: { type: 'string', ...extra } });
const adminSecurity = [{ bearer: [] }];
const adminErrors = { 401: error('no or invalid access token'), 403: error('the token lacks the admin role') };
const body = (id: string) => ({ required: true, content: { 'application/json': { schema: ref(id) } } });

/** The service's OpenAPI 3.1 document, served at /openapi.json and /api/products/openapi.json. */
export function openApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: { title: 'Product service', version: '1.0.0', description: 'Catalog: products and categories. Money is integer minor units plus an ISO 4217 currency.' },
    servers: [{ url: '/' }],
    components: {
      schemas: componentSchemas(),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Keycloak access token (realm shop, audience shop-api)' } },
    },
    paths: {
      '/api/products': {
        get: {
          summary: 'Search and browse live products (cached)',
          parameters: [
            strParam('q', 'substring of sku, name or description (case-insensitive)', { minLength: 1, maxLength: 100 }),
            strParam('sku', 'exact SKU, e.g. DROP-001', { minLength: 1, maxLength: 64 }),
            strParam('category', 'category id or slug', { minLength: 1, maxLength: 100 }),
            intParam('minPrice', 'lowest price, minor units', 0, 2_147_483_647),
            intParam('maxPrice', 'highest price, minor units', 0, 2_147_483_647),
            strParam('sort', 'order of the walk', { enum: [...SORTS], default: 'newest' }),
            intParam('limit', 'page size', 1, 100, 20),
            strParam('cursor', 'nextCursor of the previous page (same sort)'),
          ],
          responses: { 200: cached('ProductPage', 'one page'), 400: error('VALIDATION_FAILED or INVALID_CURSOR'), 503: error('database unavailable') },
        },
        post: {
          summary: 'Create a product (admin); publishes product.created.v1 with initialStock',
          security: adminSecurity,
          requestBody: body('CreateProduct'),
          responses: { 201: json('Product', 'created'), 400: error('VALIDATION_FAILED or CATEGORY_NOT_FOUND'), ...adminErrors, 409: error('SKU_TAKEN') },
        },
      },
      '/api/products/{id}': {
        parameters: [idParam],
        get: { summary: 'One live product (cached)', responses: { 200: cached('Product', 'the product'), 404: error('NOT_FOUND') } },
        patch: {
          summary: 'Change a product (admin); publishes product.updated.v1',
          security: adminSecurity,
          requestBody: body('UpdateProduct'),
          responses: { 200: json('Product', 'updated'), 400: error('VALIDATION_FAILED or CATEGORY_NOT_FOUND'), ...adminErrors, 404: error('NOT_FOUND'), 409: error('SKU_TAKEN') },
        },
        delete: {
          summary: 'Soft-delete a product (admin); publishes product.deleted.v1',
          security: adminSecurity,
          responses: { 204: { description: 'deleted' }, ...adminErrors, 404: error('NOT_FOUND') },
        },
      },
      '/api/categories': {
        get: {
          summary: 'Categories by slug (cached)',
          parameters: [intParam('limit', 'page size', 1, 100, 100), strParam('cursor', 'nextCursor of the previous page')],
          responses: { 200: cached('CategoryPage', 'one page'), 400: error('VALIDATION_FAILED or INVALID_CURSOR') },
        },
        post: {
          summary: 'Create a category (admin)',
          security: adminSecurity,
          requestBody: body('CreateCategory'),
          responses: { 201: json('Category', 'created'), 400: error('VALIDATION_FAILED'), ...adminErrors, 409: error('SLUG_TAKEN') },
        },
      },
      '/api/products/admin/tasks': {
        get: {
          summary: 'Status of asynchronous tasks (admin)',
          security: adminSecurity,
          parameters: [strParam('status', 'pending, processing, complete or failed'), intParam('limit', 'page size', 1, 100, 20), strParam('cursor', 'nextCursor')],
          responses: { 200: { description: '{items, nextCursor}', content: { 'application/json': { schema: { type: 'object', required: ['items', 'nextCursor'] } } } }, ...adminErrors },
        },
      },
    },
  };
}
