/** What a person reads when the platform says no: by the error's stable code, not its text. */
import { ApiError } from './api.ts';

const MESSAGES: Record<string, string> = {
  OUT_OF_STOCK: 'Sold out. Someone got the last one first.',
  PURCHASE_LIMIT_EXCEEDED: 'You have reached the limit per customer for this product.',
  CART_FULL: 'Your cart is full. Remove something first.',
  CART_NOT_FOUND: 'Your cart has expired. Start a new one by adding a product.',
  EMPTY_ORDER: 'Your cart is empty.',
  INVALID_CREDENTIALS: 'That email and password do not match an account.',
  EMAIL_TAKEN: 'An account with that email already exists. Sign in instead.',
  UNAUTHENTICATED: 'Please sign in again.',
  FORBIDDEN: 'This needs an admin account.',
  ADMISSION_REQUIRED: 'This product is in a drop: join the queue on its drop page.',
  IDEMPOTENCY_KEY_IN_FLIGHT: 'Your order is already being placed. One moment.',
  NOT_FOUND: 'Not found.',
  PRODUCT_NOT_FOUND: 'This product no longer exists.',
  NETWORK: 'The shop cannot be reached. Check your connection and try again.',
};

/** The sentence to show for an error; `retryAfter` wins for rate limits and overload. */
export function humanError(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Something went wrong. Please try again.';
  if (err.status === 429 || err.status === 503) {
    const wait = err.retryAfter ?? 1;
    const why = err.status === 429 ? 'Too many tries.' : 'The shop is very busy.';
    return `${why} Please retry in ${wait} s.`;
  }
  const known = MESSAGES[err.code];
  if (known) return known;
  if (err.status === 400 || err.status === 422) return err.message;
  if (err.status >= 500) return 'The shop had a problem on its side. Please try again in a moment.';
  return err.message || 'Something went wrong. Please try again.';
}
