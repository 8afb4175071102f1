import type { Address, Line } from '@shop/contracts';

export type { Address, Line };

/** An order's states; the transitions between them are in order-state.ts. */
export const OrderStatuses = ['PENDING', 'RESERVED', 'CONFIRMED', 'REJECTED', 'CANCELLED', 'EXPIRED'] as const;
export type OrderStatus = (typeof OrderStatuses)[number];

export interface PricedLine extends Line {
  name: string;
  unitPrice: number;
}

export interface Shipping {
  name: string | null;
  phone: string | null;
  address: Address | null;
}

/** An order as the domain sees it; how it is stored is data/'s business. */
export interface Order {
  id: string;
  userId: string;
  email: string | null;
  status: OrderStatus;
  total: number;
  currency: string;
  paymentToken: string;
  /** The order took units from the sale gate, so they go back if it ends without a sale. */
  gatePassed: boolean;
  shipping: Shipping;
  /**
   * The address came from the customer's profile (the body named none), so it follows later
   * profile changes; an address the order was placed with is the order's own.
   */
  addressFromProfile: boolean;
  expiresAt: Date;
}

export interface NewOrder extends Omit<Order, 'status'> {
  lines: PricedLine[];
}

export interface StatusEntry {
  status: OrderStatus;
  at: string;
  reason: string | null;
}

export interface OrderView {
  id: string;
  userId: string;
  status: OrderStatus;
  items: Array<PricedLine & { lineTotal: number }>;
  total: number;
  currency: string;
  shipping: Shipping;
  statusHistory: StatusEntry[];
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface ProductSnapshot {
  id: string;
  name: string;
  price: number;
  currency: string;
  status: string;
  maxPerCustomer: number | null;
  deleted: boolean;
}

export interface CustomerSnapshot {
  userId: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  shippingAddress: Address | null;
}

export type PaymentStatus = 'PENDING' | 'CHARGING' | 'APPROVED' | 'DECLINED' | 'VOID' | 'REFUND_REQUIRED';

export interface PaymentAttempt {
  orderId: string;
  amount: number;
  currency: string;
  token: string;
  status: PaymentStatus;
  attempts: number;
  /** While CHARGING: until when the worker that claimed it owns the charge (its lease). */
  claimedUntil: Date | null;
  /** The trace the attempt was made in (the reservation's), which its charge continues. */
  traceparent: string | null;
}

/** What an Idempotency-Key remembers: the request's hash, and the reply once there is one. */
export interface IdempotencyRecord {
  requestHash: string;
  state: 'in_flight' | 'done';
  responseStatus: number | null;
  responseBody: unknown;
}

/** The caller, as the auth middleware saw the token. */
export interface Caller {
  id: string;
  email?: string;
  name?: string;
  roles: string[];
}

export type PaymentToken = 'tok_visa' | 'tok_declined' | 'tok_timeout' | 'tok_pending';
