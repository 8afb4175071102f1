import { z } from 'zod';
import { SORTS } from '../domain/product.js';

/** Request schemas: strict objects, so an unknown field is a 400 rather than silently ignored. */
const sku = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"');
const name = z.string().trim().min(1).max(200);
const description = z.string().trim().max(5000);
const price = z.number().int().min(0).max(2_147_483_647);
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code in upper case, e.g. EUR');
const imageUrl = z.url({ protocol: /^https?$/ }).max(2048);
const maxPerCustomer = z.number().int().min(1).max(1_000_000);

export const CreateProductBody = z.strictObject({
  sku,
  name,
  description: description.optional(),
  price,
  currency,
  categoryId: z.uuid().optional(),
  imageUrl: imageUrl.optional(),
  initialStock: z.number().int().min(0).max(1_000_000_000),
  maxPerCustomer: maxPerCustomer.optional(),
});

export const UpdateProductBody = z
  .strictObject({
    sku: sku.optional(),
    name: name.optional(),
    description: description.nullable().optional(),
    price: price.optional(),
    currency: currency.optional(),
    categoryId: z.uuid().nullable().optional(),
    imageUrl: imageUrl.nullable().optional(),
    maxPerCustomer: maxPerCustomer.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'send at least one field to change');

// Query values arrive as strings; a repeated parameter arrives as an array and fails here.
const count = (min: number, max: number) =>
  z.string().regex(/^\d{1,10}$/, 'a non-negative integer').transform(Number).pipe(z.number().int().min(min).max(max));

export const ListProductsQuery = z
  .strictObject({
    q: z.string().trim().min(1).max(100).optional(),
    sku: z.string().trim().min(1).max(64).optional(),
    category: z.string().trim().min(1).max(100).optional(),
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
  name: z.string().trim().min(1).max(100),
  slug: z.string().min(1).max(100).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case words joined by "-"'),
});

export const ListCategoriesQuery = z.strictObject({
  limit: count(1, 100).default(100),
  cursor: z.string().min(1).max(512).optional(),
});

export const IdParams = z.object({ id: z.uuid() });
