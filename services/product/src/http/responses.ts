import { z } from 'zod';
import { SORTS, type Page, type Product } from '../domain/product.js';

/** What a product shows of its creator. */
export const CreatorSummarySchema = z
  .strictObject({ id: z.uuid(), name: z.string(), slug: z.string() })
  .meta({ id: 'CreatorSummary' });

/** Response shapes: the routes declare them, so the OpenAPI document (and the tests that check real responses against it) use them. */
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
    creatorId: z.uuid().nullable(),
    creator: CreatorSummarySchema.nullable().describe("the creator's profile as it is now (null: none)"),
    status: z.literal('active'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Product' });

export const CategorySchema = z
  .strictObject({ id: z.uuid(), name: z.string(), slug: z.string(), createdAt: z.iso.datetime() })
  .meta({ id: 'Category' });

export const ProductPageSchema = z
  .strictObject({ items: z.array(ProductSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ProductPage' });

export const CategoryPageSchema = z
  .strictObject({ items: z.array(CategorySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'CategoryPage' });

export const CreatorSchema = z
  .strictObject({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    bio: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    version: z.number().int().min(1).describe('1 at creation, one more with every change'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Creator' });

export const CreatorPageSchema = z
  .strictObject({ items: z.array(CreatorSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'CreatorPage' });

/** The product as the API shows it: the creator's version stays inside (it is for the event copies). */
export function productView(p: Product): z.output<typeof ProductSchema> {
  const { creator, status, ...rest } = p;
  // `?? null`: a page cached by the version before creators has neither field (for its TTL).
  const summary = creator ? { id: creator.id, name: creator.name, slug: creator.slug } : null;
  return { ...rest, creatorId: p.creatorId ?? null, status: status as 'active', creator: summary };
}

export const productPageView = (page: Page<Product>) => ({ items: page.items.map(productView), nextCursor: page.nextCursor });

export { SORTS };

/** What a recommendation shows of a product: enough for a tile. */
export const ProductSummarySchema = z
  .strictObject({
    id: z.uuid(),
    sku: z.string(),
    name: z.string(),
    price: z.number().int().min(0).describe('minor units: 2999 is 29.99'),
    currency: z.string().regex(/^[A-Z]{3}$/),
    categoryId: z.uuid().nullable(),
    imageUrl: z.string().nullable(),
  })
  .meta({ id: 'ProductSummary' });

export const RecommendationsSchema = z
  .strictObject({
    productId: z.uuid(),
    boughtTogether: z
      .array(
        z.strictObject({
          product: ProductSummarySchema,
          orders: z.number().int().min(1).describe('confirmed orders that had both products'),
        }),
      )
      .describe('most often in the same confirmed order, most orders first; empty for a product nobody bought yet'),
    similar: z
      .array(
        z.strictObject({
          product: ProductSummarySchema,
          sameCategory: z.boolean(),
          textMatch: z.boolean().describe("its name or description shares a word with this product's name"),
          orders: z.number().int().min(0).describe('confirmed orders that had it'),
        }),
      )
      .describe('same category and shared words first, then the most ordered; none of boughtTogether again'),
  })
  .meta({ id: 'Recommendations' });
