/** The shapes the pages read from the API (DESIGN.md's API table). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  price: number;
  currency: string;
  categoryId: string | null;
  imageUrl: string | null;
  maxPerCustomer: number | null;
  /** The brand or person behind it, as the profile is now. */
  creator: CreatorSummary | null;
}
export interface CreatorSummary {
  id: string;
  name: string;
  slug: string;
}
export interface Category {
  id: string;
  name: string;
  slug: string;
}
export type OrderStatus = 'PENDING' | 'RESERVED' | 'CONFIRMED' | 'REJECTED' | 'CANCELLED' | 'EXPIRED';
export interface Order {
  id: string;
  status: OrderStatus;
  items: Array<{ productId: string; name: string; unitPrice: number; quantity: number; lineTotal: number }>;
  total: number;
  currency: string;
  statusHistory: Array<{ status: OrderStatus; at: string; reason: string | null }>;
  createdAt: string;
}
export const FINAL_STATUSES: OrderStatus[] = ['CONFIRMED', 'REJECTED', 'CANCELLED', 'EXPIRED'];
