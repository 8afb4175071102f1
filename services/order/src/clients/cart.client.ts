import { z } from 'zod';
import { AppError } from '@shop/errors';
import type { CartSource } from '../domain/ports.js';
import type { Line } from '../domain/types.js';

const Cart = z.object({
  items: z.array(z.object({ productId: z.uuid(), quantity: z.number().int().min(1) })),
});

/** Reads the caller's cart with their own token (GET {CART_URL}/api/cart). */
export class CartClient implements CartSource {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async items(authorization: string): Promise<Line[]> {
    let res: Response;
    try {
      res = await fetch(new URL('/api/cart', this.baseUrl), {
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: { authorization, accept: 'application/json' },
      });
    } catch {
      throw AppError.unavailable('The cart service');
    }
    if (res.status === 404) return [];
    if (!res.ok) throw AppError.unavailable('The cart service');
    const parsed = Cart.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw AppError.unavailable('The cart service');
    return parsed.data.items.map((i) => ({ productId: i.productId, quantity: i.quantity }));
  }
}
