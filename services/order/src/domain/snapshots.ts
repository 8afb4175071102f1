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
 * Keeps the customer's contact details; a profile change also re-addresses the user's
 * orders that have not ended. There is no SHIPPED state yet, so every order that is not
 * REJECTED, CANCELLED or EXPIRED (CONFIRMED included) follows the new address.
 */
export async function applyUserEvent(tx: OrderStores, event: UserEvent): Promise<void> {
  const at = new Date(event.occurredAt);
  if (event.type === 'user.registered.v1') {
    await tx.customers.upsertRegistered(event.data, at);
    return;
  }
  const d = event.data;
  const shipping = { name: d.name, phone: d.phone ?? null, address: d.shippingAddress ?? null };
  const applied = await tx.customers.upsertProfile({ userId: d.userId, name: d.name, phone: shipping.phone, shippingAddress: shipping.address }, at);
  if (applied) await tx.orders.readdress(d.userId, shipping, FAILED_STATUSES);
}
