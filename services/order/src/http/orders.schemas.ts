import { z } from 'zod';
import { OrderStatuses } from '../domain/order-state.js';

export const PaymentTokens = ['tok_visa', 'tok_declined', 'tok_timeout'] as const;

export const AddressSchema = z.strictObject({
  line1: z.string().min(1).max(200),
  line2: z.string().max(200).optional(),
  city: z.string().min(1).max(100),
  region: z.string().max(100).optional(),
  postalCode: z.string().min(1).max(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code'),
});

const LineSchema = z.strictObject({
  productId: z.uuid(),
  quantity: z.number().int().min(1).max(10),
});

/** Strict: status, total, price, userId or anything else unknown is a 400, not silently dropped. */
export const PlaceOrderSchema = z.strictObject({
  items: z
    .array(LineSchema)
    .min(1)
    .max(50)
    .refine((items) => new Set(items.map((i) => i.productId)).size === items.length, 'each productId may appear only once')
    .optional(),
  paymentToken: z.enum(PaymentTokens).default('tok_visa'),
  shippingAddress: AddressSchema.optional(),
});

export const IdempotencyKeySchema = z.string().min(1).max(255);

export const ListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(300).optional(),
  userId: z.uuid().optional(),
});

export const IdParamsSchema = z.strictObject({ id: z.uuid() });

// Response shapes, for the OpenAPI document (and through it, the tests).
const StatusSchema = z.enum(OrderStatuses);
export const OrderSchema = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  status: StatusSchema,
  items: z.array(
    z.object({ productId: z.uuid(), name: z.string(), unitPrice: z.int(), quantity: z.int(), lineTotal: z.int() }),
  ),
  total: z.int().describe('minor units'),
  currency: z.string().length(3),
  shipping: z.object({
    name: z.string().nullable(),
    phone: z.string().nullable(),
    address: AddressSchema.nullable(),
  }),
  statusHistory: z.array(z.object({ status: StatusSchema, at: z.iso.datetime(), reason: z.string().nullable() })),
  expiresAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const OrderListSchema = z.object({ items: z.array(OrderSchema), nextCursor: z.string().nullable() });
export const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string(), details: z.unknown().optional() }),
});
