import { z } from 'zod';

// Requests: strict objects, so a price, userId or anything else unexpected is a 400.
const quantity = z.number().int();

export const AddItemBody = z.strictObject({
  productId: z.uuid(),
  quantity: quantity.min(1).max(99),
});

export const ChangeItemBody = z.strictObject({
  quantity: quantity.min(0).max(99).describe('0 removes the line'),
});

export const MergeBody = z.strictObject({
  guestCartId: z.uuid(),
});

export const ItemParams = z.object({ productId: z.uuid() });

// Responses, for the OpenAPI document (and the tests that check answers against it).
export const CartItem = z.strictObject({
  productId: z.uuid(),
  name: z.string(),
  unitPrice: z.number().int().min(0).describe('minor units, from the current product snapshot'),
  currency: z.string().length(3),
  quantity: z.number().int().min(1).max(99),
  lineTotal: z.number().int().min(0),
});

export const Cart = z.strictObject({
  id: z.uuid(),
  items: z.array(CartItem),
  subtotal: z.number().int().min(0).describe('minor units'),
  currency: z.string().length(3).nullable().describe('null while the cart is empty'),
  itemCount: z.number().int().min(0),
});

export const CreatedCart = z.strictObject({ id: z.uuid() });

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
    details: z.unknown().optional(),
  }),
});
