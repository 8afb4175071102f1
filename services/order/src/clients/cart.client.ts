import { z } from 'zod';
import { AppError, isAppError } from '@shop/errors';
import { DependencyRefusedError, type FailFast } from '@shop/http';
import type { Logger } from '@shop/logger';
import type { RpcClient } from '@shop/rpc';
import type { CartSource } from '../domain/ports.js';
import type { Line } from '../domain/types.js';
import { peerBreaker, peerFailed } from './peer-breaker.js';

const Items = z.array(z.object({ productId: z.uuid(), quantity: z.number().int().min(1) }));

/**
 * Reads the caller's cart over gRPC (shop.cart.v1.Carts/GetCart) with their own token. The
 * peer down or late is the 503 @shop/rpc makes (the call is retried on the other replica
 * within its deadline first); a refusal keeps its code. A cart service that is reachable and
 * does not answer costs the calls in flight their deadline, then (two failures in a row and an
 * unanswered probe) every order from a cart is that 503 at once until a probe is answered
 * (`peerBreaker`, as for inventory). The probe is a GetCart without a token: its
 * UNAUTHENTICATED is an answer, and needs no buyer.
 */
export class CartClient implements CartSource {
  private readonly breaker: FailFast;

  constructor(
    private readonly rpc: Pick<RpcClient<'cart'>, 'call'>,
    logger: Logger,
  ) {
    this.breaker = peerBreaker('cart', logger, () => rpc.call('GetCart', {}));
  }

  async items(authorization: string): Promise<Line[]> {
    let items: unknown;
    try {
      items = (await this.breaker.run(() => this.rpc.call('GetCart', {}, { authorization }), peerFailed)).items;
    } catch (err) {
      if (err instanceof DependencyRefusedError) throw AppError.unavailable('The cart service');
      if (isAppError(err) && err.code === 'CART_NOT_FOUND') return [];
      throw err;
    }
    const parsed = Items.safeParse(items);
    if (!parsed.success) throw AppError.unavailable('The cart service');
    return parsed.data.map((i) => ({ productId: i.productId, quantity: i.quantity }));
  }
}
