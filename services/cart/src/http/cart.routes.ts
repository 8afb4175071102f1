import { Router, validate, type Request, type RequestHandler } from '@shop/http';
import type { Auth } from '@shop/auth';
import { AppError } from '@shop/errors';
import type { Stores } from '../domain/ports.js';
import { createGuestCart, resolveCart, type CartOwner, type CartPolicy } from '../domain/resolve-cart.js';
import { viewCart } from '../domain/view-cart.js';
import { addItem } from '../domain/add-item.js';
import { changeItem, removeItem } from '../domain/change-item.js';
import { mergeCarts } from '../domain/merge-carts.js';
import { AddItemBody, ChangeItemBody, ItemParams, MergeBody } from './cart.schemas.js';

export interface CartRoutesDeps {
  stores: Stores;
  auth: Pick<Auth, 'optional' | 'required'>;
  policy: CartPolicy & { maxLines: number };
  /** Budget for writes, keyed by user (or address for guests). */
  writeLimit: RequestHandler;
}

const owner = (req: Request): CartOwner => ({ userId: req.user?.id, guestCartId: req.get('x-cart-id') ?? undefined });

/** Mounted at /api/cart. */
export function cartRoutes({ stores, auth, policy, writeLimit }: CartRoutesDeps): Router {
  const router = Router();
  const cartOf = (req: Request) => resolveCart(stores, owner(req), policy);

  router.post('/', auth.optional, writeLimit, async (req, res) => {
    if (req.body !== undefined && Object.keys(req.body as object).length > 0) {
      throw AppError.badRequest('POST /api/cart takes no body');
    }
    res.status(201).json(await createGuestCart(stores));
  });

  router.get('/', auth.optional, async (req, res) => {
    res.json(await viewCart(stores, await cartOf(req)));
  });

  router.post('/items', auth.optional, writeLimit, validate('body', AddItemBody), async (req, res) => {
    res.json(await addItem(stores, await cartOf(req), res.locals.body, policy.maxLines));
  });

  router.patch('/items/:productId', auth.optional, writeLimit, validate('params', ItemParams), validate('body', ChangeItemBody),
    async (req, res) => {
      res.json(await changeItem(stores, await cartOf(req), res.locals.params.productId, res.locals.body.quantity));
    });

  router.delete('/items/:productId', auth.optional, writeLimit, validate('params', ItemParams), async (req, res) => {
    res.json(await removeItem(stores, await cartOf(req), res.locals.params.productId));
  });

  router.post('/merge', auth.required, writeLimit, validate('body', MergeBody), async (req, res) => {
    res.json(await mergeCarts(stores, req.user!.id, res.locals.body.guestCartId, policy));
  });

  return router;
}
