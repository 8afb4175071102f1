import { z } from 'zod';

/**
 * Shapes more than one service speaks, defined once. A service's own HTTP schema, its
 * domain types and the events that carry the shape all import these.
 */

/**
 * A postal address, as it travels in events (a profile's shipping address) and as the
 * user and order domains hold it. What a client may send (lengths, trimming) is one
 * schema, `AddressInput` in @shop/http, used by every service that takes an address;
 * this is the shape it produces.
 */
export const AddressSchema = z.object({
  line1: z.string().min(1),
  line2: z.string().optional(),
  city: z.string().min(1),
  region: z.string().optional(),
  postalCode: z.string().min(1),
  country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code'),
});
export type Address = z.infer<typeof AddressSchema>;

/** So many units of one product: a line of an order, a cart or a reservation. */
export interface Line {
  productId: string;
  quantity: number;
}
