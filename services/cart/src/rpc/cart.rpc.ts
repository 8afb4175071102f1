import { bearerOf, type Auth } from '@shop/auth';
import { AppError } from '@shop/errors';
import type { RpcApi } from '@shop/rpc';
import type { Stores } from '../domain/ports.js';
import { resolveCart, type CartPolicy } from '../domain/resolve-cart.js';
import { viewCart } from '../domain/view-cart.js';

export interface CartRpcDeps {
  auth: Pick<Auth, 'verify'>;
  stores: Stores;
  policy: CartPolicy;
}

/**
 * shop.cart.v1.Carts (packages/contracts/proto/cart.proto): the order service reads the
 * buyer's cart with the buyer's own token, checked as GET /api/cart checks it; the lines are
 * those GET /api/cart shows (products no longer for sale left out).
 */
export function cartRpc(deps: CartRpcDeps): RpcApi<'cart'> {
  return {
    api: 'cart',
    handlers: {
      GetCart: async (_request, ctx) => {
        const token = bearerOf(ctx.authorization);
        if (!token) throw AppError.unauthenticated('GetCart needs the buyer\'s access token as the authorization metadata');
        const claims = await deps.auth.verify(token);
        const view = await viewCart(deps.stores, await resolveCart(deps.stores, { userId: claims.sub }, deps.policy));
        return { id: view.id, items: view.items.map((i) => ({ productId: i.productId, quantity: i.quantity })) };
      },
    },
  };
}
