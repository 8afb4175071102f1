import { z } from 'zod';
import { AddressInput, queryInt } from '@shop/http';
import { OrderStatuses } from '../domain/order-state.js';
import { ORDER_LIMITS } from '../config.js';

export const PaymentTokens = ['tok_visa', 'tok_declined', 'tok_timeout', 'tok_pending'] as const;

/** The one address input form (@shop/http), also in answers: an order's shipping details. */
export const AddressSchema = AddressInput;

const LineSchema = z.strictObject({
  productId: z.guid(),
  quantity: z.number().int().min(1).max(ORDER_LIMITS.maxUnitsPerLine),
});

/** Strict: status, total, price, userId or anything else unknown is a 400, not silently dropped. */
export const PlaceOrderSchema = z.strictObject({
  items: z
    .array(LineSchema)
    .min(1)
    .max(ORDER_LIMITS.maxLines)
    .refine((items) => new Set(items.map((i) => i.productId)).size === items.length, 'each productId may appear only once')
    .optional(),
  paymentToken: z.enum(PaymentTokens).default('tok_visa'),
  shippingAddress: AddressSchema.optional(),
}).meta({ id: 'PlaceOrder' });

// Visible ASCII without surrounding spaces: what survives an HTTP header unchanged.
export const IdempotencyKeySchema = z.string().min(1).max(255).regex(/^[!-~](?:[ -~]*[!-~])?$/, 'visible ASCII, 1..255 characters');
export const IdempotencyHeaders = z.object({
  'idempotency-key': IdempotencyKeySchema.describe('one key per order attempt; a retry with the same key replays the first answer'),
  'x-admission-token': z.string().max(4096).optional().describe('required for a product on a live drop: the admission from GET /api/drops/{id}/queue/me'),
});

export const ListQuerySchema = z.strictObject({
  limit: queryInt(1, 100).default(20),
  cursor: z.string().min(1).max(300).regex(/^[A-Za-z0-9_-]+$/, 'a nextCursor from a previous page').optional(),
  userId: z.guid().optional(),
});

export const IdParamsSchema = z.strictObject({ id: z.guid() });

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
}).meta({ id: 'Order' });
export const OrderListSchema = z.object({ items: z.array(OrderSchema), nextCursor: z.string().nullable() }).meta({ id: 'OrderList' });
