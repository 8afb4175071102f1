import type { AnyEvent } from '@shop/contracts';
import { FAILED_STATUSES } from './order-state.js';
import type { OrderStores } from './ports.js';

type ProductEvent = Extract<AnyEvent, { type: 'product.created.v1' | 'product.updated.v1' | 'product.deleted.v1' }>;
type UserEvent = Extract<AnyEvent, { type: 'user.registered.v1' | 'user.profile_updated.v1' }>;

/**
 * Keeps the price list this service sells from, with each product's purchase cap
 * (`maxPerCustomer`; absent or null means no cap, as the event contract says).
 */
export async function applyProductEvent(tx: OrderStores, event: ProductEvent): Promise<void> {
  const at = new Date(event.occurredAt);
  if (event.type === 'product.deleted.v1') {
    await tx.products.markDeleted(event.data.productId, at);
    return;
  }
  const d = event.data;
  await tx.products.upsert(
    {
      id: d.productId,
      name: d.name,
      price: d.price,
      currency: d.currency,
      status: d.status,
      maxPerCustomer: d.maxPerCustomer ?? null,
    },
    at,
  );
}

/**
 * Keeps the customer's contact details; a profile change also reaches the user's orders that
 * have not ended (there is no SHIPPED state yet, so CONFIRMED ones too). The name always
 * follows; the phone and the address only when the profile has one (a profile that drops its
 * address must not leave an order with nowhere to ship); and the address only on orders that
 * took the profile's: an address the order was placed with is its own.
 */
export async function applyUserEvent(tx: OrderStores, event: UserEvent): Promise<void> {
  const at = new Date(event.occurredAt);
  if (event.type === 'user.registered.v1') {
    await tx.customers.upsertRegistered(event.data, at);
    return;
  }
  const d = event.data;
  const applied = await tx.customers.upsertProfile({ userId: d.userId, name: d.name, phone: d.phone ?? null, shippingAddress: d.shippingAddress ?? null }, at);
  if (!applied) return;
  const change = { name: d.name, ...(d.phone ? { phone: d.phone } : {}), ...(d.shippingAddress ? { address: d.shippingAddress } : {}) };
  await tx.orders.followProfile(d.userId, change, FAILED_STATUSES);
}
