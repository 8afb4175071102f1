import { z } from 'zod';
import { queryInt, text } from '@shop/http';
import { SORTS } from '../domain/product.js';

/** Request schemas: strict objects, so an unknown field is a 400 rather than silently ignored. */
const sku = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"');
const name = text({ min: 1, max: 200, trim: true });
const description = text({ max: 5000, trim: true });
const price = z.number().int().min(0).max(2_147_483_647);
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code in upper case, e.g. EUR');
// http(s) with a host name and a plain path: a pattern the document can state exactly.
const imageUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/([A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*(:[1-9][0-9]{0,3})?(\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*)?$/, 'an http(s) URL');
const maxPerCustomer = z.number().int().min(1).max(1_000_000);
const slug = z.string().min(1).max(100).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case words joined by "-"');

export const CreateProductBody = z.strictObject({
  sku,
  name,
  description: description.optional(),
  price,
  currency,
  categoryId: z.guid().optional(),
  imageUrl: imageUrl.optional(),
  initialStock: z.number().int().min(0).max(1_000_000_000),
  maxPerCustomer: maxPerCustomer.optional(),
  creatorId: z.guid().optional(),
}).meta({ id: 'CreateProduct' });

export const UpdateProductBody = z
  .strictObject({
    sku: sku.optional(),
    name: name.optional(),
    description: description.nullable().optional(),
    price: price.optional(),
    currency: currency.optional(),
    categoryId: z.guid().nullable().optional(),
    imageUrl: imageUrl.nullable().optional(),
    maxPerCustomer: maxPerCustomer.nullable().optional(),
    creatorId: z.guid().nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'send at least one field to change')
  .meta({ id: 'UpdateProduct', minProperties: 1 });

// Query values arrive as strings; a repeated parameter arrives as an array and fails here.
const count = queryInt;

export const ListProductsQuery = z
  .strictObject({
    q: text({ min: 1, max: 100, trim: true }).optional(),
    sku: text({ min: 1, max: 64, trim: true }).optional(),
    category: text({ min: 1, max: 100, trim: true }).optional(),
    creator: text({ min: 1, max: 100, trim: true }).optional().describe('a creator id or slug'),
    minPrice: count(0, 2_147_483_647).optional(),
    maxPrice: count(0, 2_147_483_647).optional(),
    sort: z.enum(SORTS).default('newest'),
    limit: count(1, 100).default(20),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    message: 'minPrice must not exceed maxPrice',
    path: ['minPrice'],
  });

export const CreateCategoryBody = z.strictObject({
  name: text({ min: 1, max: 100, trim: true }),
  slug,
}).meta({ id: 'CreateCategory' });

export const ListCategoriesQuery = z.strictObject({
  limit: count(1, 100).default(100),
  cursor: z.string().min(1).max(512).optional(),
});

const creatorName = text({ min: 1, max: 200, trim: true });
const bio = text({ max: 2000, trim: true });

export const CreateCreatorBody = z.strictObject({
  slug,
  name: creatorName,
  bio: bio.optional(),
  avatarUrl: imageUrl.optional(),
}).meta({ id: 'CreateCreator' });

export const UpdateCreatorBody = z
  .strictObject({
    slug: slug.optional(),
    name: creatorName.optional(),
    bio: bio.nullable().optional(),
    avatarUrl: imageUrl.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'send at least one field to change')
  .meta({ id: 'UpdateCreator', minProperties: 1 });

export const ListCreatorsQuery = z.strictObject({
  limit: count(1, 100).default(50),
  cursor: z.string().min(1).max(512).optional(),
});

// Any UUID-shaped id (Postgres' uuid type takes every version and variant).
export const IdParams = z.object({ id: z.guid() });

/** Each list of GET /api/products/:id/recommendations holds at most `limit` products. */
export const RecommendationsQuery = z.strictObject({
  limit: count(1, 20).default(6),
});
