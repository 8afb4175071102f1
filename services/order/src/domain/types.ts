import type { OrderStatus } from './order-state.js';

export interface Address {
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
}

export interface Line {
  productId: string;
  quantity: number;
}

export interface PricedLine extends Line {
  name: string;
  unitPrice: number;
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
  shipping: { name: string | null; phone: string | null; address: Address | null };
  statusHistory: StatusEntry[];
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
}

/** The caller, as the auth middleware saw the token. */
export interface Caller {
  id: string;
  email?: string;
  name?: string;
  roles: string[];
}

export type PaymentToken = 'tok_visa' | 'tok_declined' | 'tok_timeout';
