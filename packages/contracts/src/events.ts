import { z } from 'zod';
import { AddressSchema } from './shapes.js';

/**
 * One schema per versioned event type for the envelope's `data`. A breaking change is a
 * new type (`.v2`) published alongside the old one until every consumer has moved.
 * Objects strip unknown keys, so adding an optional field is not a breaking change.
 */
const id = z.uuid();
const money = z.number().int().nonnegative();
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. EUR');
const timestamp = z.iso.datetime({ offset: true });
const quantity = z.number().int().positive();

export const ProductStatus = z.enum(['DRAFT', 'ACTIVE', 'ARCHIVED']);

/**
 * A creator (the brand or person behind a product) as its copies elsewhere need it. `version`
 * counts the profile's changes (1 at creation, +1 per change, in the product service's
 * transaction): a copy applies a profile only if it is newer than the one it holds, so
 * redelivered and reordered events are harmless and no clock is trusted.
 */
export const CreatorSummarySchema = z.object({
  creatorId: id,
  name: z.string().min(1),
  slug: z.string().min(1),
  version: z.number().int().positive(),
});

const productFields = {
  productId: id,
  sku: z.string().min(1),
  name: z.string().min(1),
  price: money,
  currency,
  categoryId: id.optional(),
  status: ProductStatus,
  /** Per-customer purchase cap for this product; null or absent means no cap. */
  maxPerCustomer: z.number().int().positive().nullable().optional(),
  /** The product's creator as it was when the product changed; null or absent: none. */
  creator: CreatorSummarySchema.nullable().optional(),
};

const orderItem = z.object({ productId: id, quantity, unitPrice: money });
const reservedItem = z.object({ productId: id, quantity });
const confirmedItem = z.object({ productId: id, name: z.string(), quantity, unitPrice: money });

export const eventSchemas = {
  'user.registered.v1': z.object({ userId: id, email: z.email(), name: z.string().min(1) }),
  'user.profile_updated.v1': z.object({
    userId: id,
    name: z.string().min(1),
    phone: z.string().nullable().optional(),
    shippingAddress: AddressSchema.nullable().optional(),
  }),
  'product.created.v1': z.object({ ...productFields, initialStock: z.number().int().nonnegative().optional() }),
  'product.updated.v1': z.object(productFields),
  'product.deleted.v1': z.object({ productId: id }),
  'order.placed.v1': z.object({
    orderId: id,
    userId: id,
    items: z.array(orderItem).min(1),
    total: money,
    currency,
    expiresAt: timestamp,
  }),
  'inventory.reserved.v1': z.object({
    orderId: id,
    reservationId: id.optional(),
    items: z.array(reservedItem).min(1),
    expiresAt: timestamp,
  }),
  'inventory.rejected.v1': z.object({ orderId: id, reason: z.string().min(1), productIds: z.array(id).optional() }),
  'inventory.released.v1': z.object({ orderId: id, reason: z.string().min(1) }),
  'order.confirmed.v1': z.object({
    orderId: id,
    userId: id,
    email: z.email().optional(),
    items: z.array(confirmedItem).min(1),
    total: money,
    currency,
  }),
  'order.rejected.v1': z.object({ orderId: id, userId: id, reason: z.string().min(1) }),
  /**
   * The invoice of a confirmed order, made once from its order.confirmed.v1. It carries the
   * PDF (base64, a few kB) so the confirmation mail attaches the very document the owner
   * downloads, without a call back to the order service.
   */
  'invoice.issued.v1': z.object({
    invoiceId: id,
    number: z.string().regex(/^INV-\d{4}-\d{6,}$/, 'INV-<year>-<000001>'),
    orderId: id,
    userId: id,
    email: z.email().optional(),
    items: z.array(confirmedItem).min(1),
    total: money,
    currency,
    issuedAt: timestamp,
    pdf: z.base64().max(2_000_000),
  }),
  'order.cancelled.v1': z.object({ orderId: id, userId: id, reason: z.string().min(1) }),
  /**
   * The order ended without a sale because its time ran out (never reserved, never paid). The
   * order service alone decides an expiry; inventory releases the order's hold only on this
   * event, never by the clock, so an order that was CONFIRMED instead still finds its units.
   */
  'order.expired.v1': z.object({ orderId: id, userId: id, reason: z.string().min(1) }),
  /**
   * A creator's whole public profile, sent when it is created and on every change (a state
   * transfer: the newest version wins, so a consumer needs no earlier event).
   */
  'creator.updated.v1': CreatorSummarySchema.extend({
    bio: z.string().nullable(),
    avatarUrl: z.string().nullable(),
  }),
} as const;

export type EventType = keyof typeof eventSchemas;
export type EventData<T extends EventType> = z.infer<(typeof eventSchemas)[T]>;

/** `EventTypes.OrderPlaced === 'order.placed.v1'`: use these instead of string literals. */
export const EventTypes = {
  UserRegistered: 'user.registered.v1',
  UserProfileUpdated: 'user.profile_updated.v1',
  ProductCreated: 'product.created.v1',
  ProductUpdated: 'product.updated.v1',
  ProductDeleted: 'product.deleted.v1',
  OrderPlaced: 'order.placed.v1',
  InventoryReserved: 'inventory.reserved.v1',
  InventoryRejected: 'inventory.rejected.v1',
  InventoryReleased: 'inventory.released.v1',
  OrderConfirmed: 'order.confirmed.v1',
  OrderRejected: 'order.rejected.v1',
  OrderCancelled: 'order.cancelled.v1',
  OrderExpired: 'order.expired.v1',
  InvoiceIssued: 'invoice.issued.v1',
  CreatorUpdated: 'creator.updated.v1',
} as const satisfies Record<string, EventType>;

export function isKnownEventType(type: string): type is EventType {
  return Object.hasOwn(eventSchemas, type);
}

export type UserRegistered = EventData<'user.registered.v1'>;
export type UserProfileUpdated = EventData<'user.profile_updated.v1'>;
export type ProductCreated = EventData<'product.created.v1'>;
export type ProductUpdated = EventData<'product.updated.v1'>;
export type ProductDeleted = EventData<'product.deleted.v1'>;
export type OrderPlaced = EventData<'order.placed.v1'>;
export type InventoryReserved = EventData<'inventory.reserved.v1'>;
export type InventoryRejected = EventData<'inventory.rejected.v1'>;
export type InventoryReleased = EventData<'inventory.released.v1'>;
export type OrderConfirmed = EventData<'order.confirmed.v1'>;
export type OrderRejected = EventData<'order.rejected.v1'>;
export type OrderCancelled = EventData<'order.cancelled.v1'>;
export type OrderExpired = EventData<'order.expired.v1'>;
export type InvoiceIssued = EventData<'invoice.issued.v1'>;
export type CreatorUpdated = EventData<'creator.updated.v1'>;
export type CreatorSummary = z.infer<typeof CreatorSummarySchema>;
