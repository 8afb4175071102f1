import type { OrderStore } from './ports.js';
import { OrderStatuses, type NewOrder, type Order, type OrderStatus } from './types.js';

export { OrderStatuses, type OrderStatus };

/**
 * The order state machine. Consumers ignore an illegal transition (a late or duplicate
 * event); the API answers 409 INVALID_STATE. There is no SHIPPED state yet, so nothing
 * after CONFIRMED exists and CONFIRMED orders cannot be cancelled: inventory only releases
 * held reservations, and refunds are out of scope.
 */
const allowed: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: ['RESERVED', 'REJECTED', 'CANCELLED', 'EXPIRED'],
  RESERVED: ['CONFIRMED', 'REJECTED', 'CANCELLED', 'EXPIRED'],
  CONFIRMED: [],
  REJECTED: [],
  CANCELLED: [],
  EXPIRED: [],
};

/** Orders in these states hold (or will hold) stock and count against a customer's cap. */
export const OPEN_STATUSES: readonly OrderStatus[] = ['PENDING', 'RESERVED', 'CONFIRMED'];
/** Orders that ended without a sale: their units go back to the gate. */
export const FAILED_STATUSES: readonly OrderStatus[] = ['REJECTED', 'CANCELLED', 'EXPIRED'];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return allowed[from].includes(to);
}

/** The states from which `to` may be reached, for optimistic `update ... where status in (...)`. */
export function sourcesOf(to: OrderStatus): OrderStatus[] {
  return OrderStatuses.filter((from) => canTransition(from, to));
}

type StatusStore = Pick<OrderStore, 'insert' | 'setStatusIf' | 'appendHistory'>;

/** Every order starts PENDING, with that as the first line of its history. */
export async function openOrder(orders: StatusStore, order: NewOrder): Promise<void> {
  await orders.insert(order, 'PENDING');
  await orders.appendHistory(order.id, 'PENDING', null);
}

/**
 * Moves an order to `to` if its current state allows it, recording why in its history.
 * Optimistic: the store moves it only from a legal source state, so of two racing moves
 * one wins. Returns the moved order, or undefined when the move was not legal.
 */
export async function moveOrder(orders: StatusStore, orderId: string, to: OrderStatus, reason: string | null): Promise<Order | undefined> {
  const order = await orders.setStatusIf(orderId, sourcesOf(to), to);
  if (order) await orders.appendHistory(orderId, to, reason);
  return order;
}
