import { z } from 'zod';
import { AppError, isAppError } from '@shop/errors';
import type { RpcClient } from '@shop/rpc';
import type { CartSource } from '../domain/ports.js';
import type { Line } from '../domain/types.js';

const Items = z.array(z.object({ productId: z.uuid(), quantity: z.number().int().min(1) }));

/**
 * Reads the caller's cart over gRPC (shop.cart.v1.Carts/GetCart) with their own token. The
 * peer down or late is the 503 @shop/rpc makes (the call is retried on the other replica
 * within its deadline first); a refusal keeps its code.
 */
export class CartClient implements CartSource {
  constructor(private readonly rpc: Pick<RpcClient<'cart'>, 'call'>) {}

  async items(authorization: string): Promise<Line[]> {
    let items: unknown;
    try {
      items = (await this.rpc.call('GetCart', {}, { authorization })).items;
    } catch (err) {
      if (isAppError(err) && err.code === 'CART_NOT_FOUND') return [];
      throw err;
    }
    const parsed = Items.safeParse(items);
    if (!parsed.success) throw AppError.unavailable('The cart service');
    return parsed.data.map((i) => ({ productId: i.productId, quantity: i.quantity }));
  }
}
