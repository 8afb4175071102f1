/**
 * Placing an order with an Idempotency-Key (Stripe's semantics, DESIGN.md): the same
 * attempt keeps its key across retries, so a double click, a lost answer or a reload
 * places one order; a changed body gets a new key (the same key with another body is 422).
 */
import { ApiError, post } from './api.ts';
import type { Order } from './types.ts';

const KEY = 'shop.checkoutAttempt';

interface Attempt {
  key: string;
  body: string;
}

export function idempotencyKeyFor(body: unknown): string {
  const json = JSON.stringify(body);
  let attempt: Attempt | null = null;
  try {
    attempt = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Attempt | null;
  } catch {
    attempt = null;
  }
  if (attempt?.body === json) return attempt.key;
  const key = crypto.randomUUID();
  sessionStorage.setItem(KEY, JSON.stringify({ key, body: json }));
  return key;
}

/** Done with this attempt: the next checkout is a new order. */
export function forgetAttempt(): void {
  sessionStorage.removeItem(KEY);
}

export async function placeOrder(body: Record<string, unknown>, extraHeaders: Record<string, string> = {}): Promise<Order> {
  const key = idempotencyKeyFor(body);
  try {
    const order = await post<Order>('/api/orders', body, { headers: { 'idempotency-key': key, ...extraHeaders } });
    forgetAttempt();
    return order;
  } catch (err) {
    // Overload, a lost answer or an in-flight twin keep the key, so the retry cannot place
    // a second order; a definite "no" (sold out, cap, bad input) ends the attempt.
    const retryable = err instanceof ApiError && (err.status === 0 || err.status === 429 || err.status >= 500 || err.code === 'IDEMPOTENCY_KEY_IN_FLIGHT');
    if (!retryable) forgetAttempt();
    throw err;
  }
}
