import { z } from 'zod';

export const address = z.strictObject({
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  region: z.string().trim().max(100).optional(),
  postalCode: z.string().trim().min(1).max(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code in upper case, e.g. DE'),
});

// E.164: a plus, then up to 15 digits.
const phone = z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164 phone number, e.g. +4915112345678');

/** Only these fields can change; id, email and roles in the body are a 400. */
export const profilePatch = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    phone: phone.nullable().optional(),
    shippingAddress: address.nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'send at least one of name, phone, shippingAddress' });

export const profile = z.object({
  id: z.uuid(),
  email: z.email(),
  name: z.string(),
  phone: z.string().nullable(),
  shippingAddress: address.nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});

export const profilePage = z.object({ items: z.array(profile), nextCursor: z.string().nullable() });
