import type { EventType } from './events.js';

/** The services that publish events; each connects to the broker as a user of the same name. */
export const SENDER_SERVICES = ['user', 'product', 'order', 'inventory'] as const;
export type SenderService = (typeof SENDER_SERVICES)[number];

/** Event type -> the one sender allowed to send it (tests may bring a table of their own). */
export type SenderTable = Readonly<Record<string, string>>;

/**
 * The allowed senders: who may send an event type is part of its contract (the "from" column of
 * the events table in the design). A consumer refuses an event whose sender, as the broker vouches for it (the
 * AMQP `user_id`, which RabbitMQ checks against the connection's user), is not the one listed
 * here (@shop/messaging, delivery.ts). A new event type does not compile without its row.
 */
export const ALLOWED_SENDERS = Object.freeze({
  'user.registered.v1': 'user',
  'user.profile_updated.v1': 'user',
  'product.created.v1': 'product',
  'product.updated.v1': 'product',
  'product.deleted.v1': 'product',
  'order.placed.v1': 'order',
  'order.confirmed.v1': 'order',
  'order.rejected.v1': 'order',
  'order.cancelled.v1': 'order',
  'order.expired.v1': 'order',
  // The order service makes the invoice (services/order/src/domain/invoices.ts).
  'invoice.issued.v1': 'order',
  'inventory.reserved.v1': 'inventory',
  'inventory.rejected.v1': 'inventory',
  'inventory.released.v1': 'inventory',
  // Creators are the product service's (docs/decisions.md, "Creators live in the product service").
  'creator.updated.v1': 'product',
} as const satisfies Record<EventType, SenderService>);

/** True when `sender` may send events of `type`; an unknown type has no allowed sender. */
export function maySend(sender: string | undefined, type: string, table: SenderTable = ALLOWED_SENDERS): boolean {
  return sender !== undefined && Object.hasOwn(table, type) && table[type] === sender;
}

/** The routing keys (= event types) a sender may publish, for its broker permissions. */
export function typesSentBy(sender: string, table: SenderTable = ALLOWED_SENDERS): string[] {
  return Object.keys(table).filter((type) => table[type] === sender);
}
