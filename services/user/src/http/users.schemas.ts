import { z } from 'zod';
import { AddressInput, queryInt, text } from '@shop/http';

/** The one address input form (@shop/http), shared with the order service. */
export const address = AddressInput;

// E.164: a plus, then up to 15 digits.
const phone = z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164 phone number, e.g. +4915112345678');

/** Only these fields can change; id, email and roles in the body are a 400. */
export const profilePatch = z
  .strictObject({
    name: text({ min: 1, max: 100, trim: true }).optional(),
    phone: phone.nullable().optional(),
    shippingAddress: address.nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'send at least one of name, phone, shippingAddress' })
  .meta({ id: 'ProfilePatch', minProperties: 1 });

export const profile = z.strictObject({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  shippingAddress: address.nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
}).meta({ id: 'Profile' });

export const listQuery = z.strictObject({
  limit: queryInt(1, 100).default(20),
  cursor: z.string().min(1).max(200).regex(/^[A-Za-z0-9_-]+$/, 'a nextCursor from a previous page').optional(),
});

export const profilePage = z.strictObject({ items: z.array(profile), nextCursor: z.string().nullable() }).meta({ id: 'ProfilePage' });
