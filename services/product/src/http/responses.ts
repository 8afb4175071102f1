import { z } from 'zod';
import { SORTS } from '../domain/product.js';

/** Response shapes, for the OpenAPI document (and the test that checks real responses against it). */
export const ProductSchema = z
  .strictObject({
    id: z.uuid(),
    sku: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    price: z.number().int().min(0).describe('minor units: 2999 is 29.99'),
    currency: z.string().regex(/^[A-Z]{3}$/),
    categoryId: z.uuid().nullable(),
    imageUrl: z.string().nullable(),
    maxPerCustomer: z.number().int().min(1).nullable(),
    status: z.literal('active'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  });

export const CategorySchema = z
  .strictObject({ id: z.uuid(), name: z.string(), slug: z.string(), createdAt: z.iso.datetime() });

export const ProductPageSchema = z
  .strictObject({ items: z.array(ProductSchema), nextCursor: z.string().nullable() });

export const CategoryPageSchema = z
  .strictObject({ items: z.array(CategorySchema), nextCursor: z.string().nullable() });

export const ErrorSchema = z
  .strictObject({
    error: z.object({
      code: z.string().describe('stable, machine-readable: VALIDATION_FAILED, INVALID_CURSOR, NOT_FOUND, SKU_TAKEN, ...'),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  });

export { SORTS };
