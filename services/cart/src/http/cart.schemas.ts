import { z } from 'zod';
import { CART_LIMITS } from '../config.js';

// Requests: strict objects, so a price, userId or anything else unexpected is a 400.
const quantity = z.number().int();

export const AddItemBody = z.strictObject({
  productId: z.guid(),
  quantity: quantity.min(1).max(CART_LIMITS.maxUnitsPerLine),
}).meta({ id: 'AddItem' });

export const ChangeItemBody = z.strictObject({
  quantity: quantity.min(0).max(CART_LIMITS.maxUnitsPerLine).describe('0 removes the line'),
}).meta({ id: 'ChangeItem' });

export const MergeBody = z.strictObject({
  guestCartId: z.guid(),
}).meta({ id: 'MergeCarts' });

export const ItemParams = z.object({ productId: z.guid() });

export const CartHeaders = z.object({
  // Any text: a malformed id names no cart (404), and with a token the header is not read.
  'x-cart-id': z
    .string()
    .optional()
    .describe('the guest cart id from POST /api/cart; ignored when a bearer token is sent (a user always uses their own cart)'),
});

// Responses, for the OpenAPI document (and the tests that check answers against it).
export const CartCreator = z.strictObject({ id: z.uuid(), name: z.string(), slug: z.string() }).meta({ id: 'CartCreator' });

export const CartItem = z.strictObject({
  productId: z.uuid(),
  name: z.string(),
  creator: CartCreator.nullable().describe("the product's creator, as the profile is now (null: none)"),
  unitPrice: z.number().int().min(0).describe('minor units, from the current product snapshot'),
  currency: z.string().length(3),
  quantity: z.number().int().min(1).max(CART_LIMITS.maxUnitsPerLine),
  lineTotal: z.number().int().min(0),
}).meta({ id: 'CartItem' });

export const Cart = z.strictObject({
  id: z.uuid(),
  items: z.array(CartItem),
  subtotal: z.number().int().min(0).describe('minor units'),
  currency: z.string().length(3).nullable().describe('null while the cart is empty'),
  itemCount: z.number().int().min(0),
}).meta({ id: 'Cart' });

export const CreatedCart = z.strictObject({ id: z.uuid() }).meta({ id: 'CreatedCart' });
