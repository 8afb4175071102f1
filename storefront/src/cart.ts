/**
 * The cart: a guest cart (POST /api/cart, then X-Cart-Id) until sign-in, then the
 * account's own, with the guest's lines merged into it once.
 */
import { ApiError, request } from './api.ts';
import { session } from './session.ts';

export interface CartLine {
  productId: string;
  name: string;
  creator: { id: string; name: string; slug: string } | null;
  unitPrice: number;
  currency: string;
  quantity: number;
  lineTotal: number;
}
export interface Cart {
  id: string;
  items: CartLine[];
  subtotal: number;
  currency: string | null;
  itemCount: number;
}

const KEY = 'shop.guestCartId';
const listeners = new Set<(c: Cart) => void>();
const guestId = () => localStorage.getItem(KEY);

function changed(c: Cart): Cart {
  listeners.forEach((l) => l(c));
  return c;
}

async function cartCall(method: string, path: string, body?: unknown): Promise<Cart> {
  const headers: Record<string, string> = {};
  const id = guestId();
  if (!session.current()) {
    if (!id) throw new ApiError(404, 'CART_NOT_FOUND', 'no cart yet');
    headers['x-cart-id'] = id;
  }
  return changed(await request<Cart>(method, `/api/cart${path}`, { body, headers }));
}

async function ensureGuestCart(): Promise<void> {
  if (session.current() || guestId()) return;
  const { id } = await request<{ id: string }>('POST', '/api/cart', { auth: false });
  localStorage.setItem(KEY, id);
}

export const cart = {
  subscribe(l: (c: Cart) => void): () => void {
    listeners.add(l);
    return () => void listeners.delete(l);
  },
  /** The cart, or null for a guest who has none yet (no request is made for that). */
  async load(): Promise<Cart | null> {
    if (!session.current() && !guestId()) return null;
    try {
      return await cartCall('GET', '');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'CART_NOT_FOUND' && !session.current()) {
        localStorage.removeItem(KEY);
        return null;
      }
      throw err;
    }
  },
  async add(productId: string, quantity: number): Promise<Cart> {
    await ensureGuestCart();
    try {
      return await cartCall('POST', '/items', { productId, quantity });
    } catch (err) {
      // The guest cart expired server-side: start a new one and try once more.
      if (!(err instanceof ApiError && err.code === 'CART_NOT_FOUND') || session.current()) throw err;
      localStorage.removeItem(KEY);
      await ensureGuestCart();
      return cartCall('POST', '/items', { productId, quantity });
    }
  },
  setQuantity: (productId: string, quantity: number) =>
    cartCall('PATCH', `/items/${encodeURIComponent(productId)}`, { quantity }),
  remove: (productId: string) => cartCall('DELETE', `/items/${encodeURIComponent(productId)}`),
  /** After sign-in: the guest's lines join the account's cart; the guest id is spent. */
  async mergeGuest(): Promise<void> {
    const id = guestId();
    if (!id || !session.current()) return;
    try {
      changed(await request<Cart>('POST', '/api/cart/merge', { body: { guestCartId: id } }));
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'CART_NOT_FOUND')) throw err;
    }
    localStorage.removeItem(KEY);
  },
  /** The badge after an order (the cart service clears it on order.confirmed). */
  refresh: () => cart.load().catch(() => null),
};
