/**
 * The order state machine. Consumers ignore an illegal transition (a late or duplicate
 * event); the API answers 409 INVALID_STATE. There is no SHIPPED state yet, so nothing
 * after CONFIRMED exists and CONFIRMED orders cannot be cancelled: inventory only releases
 * held reservations, and refunds are out of scope.
 */
export const OrderStatuses = ['PENDING', 'RESERVED', 'CONFIRMED', 'REJECTED', 'CANCELLED', 'EXPIRED'] as const;
export type OrderStatus = (typeof OrderStatuses)[number];

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
