import { defineRoute, errorResponse, openApiDocument, type Request, type RequestHandler, type Route } from '@shop/http';
import type { Db } from '@shop/db';
import { AppError } from '@shop/errors';
import { tasksRoute } from '@shop/messaging';
import { z } from 'zod';
import type { Stores } from '../domain/ports.js';
import { createGuestCart, resolveCart, type CartOwner, type CartPolicy } from '../domain/resolve-cart.js';
import { viewCart } from '../domain/view-cart.js';
import { addItem } from '../domain/add-item.js';
import { changeItem, removeItem } from '../domain/change-item.js';
import { mergeCarts } from '../domain/merge-carts.js';
import { AddItemBody, Cart, CartHeaders, ChangeItemBody, CreatedCart, ItemParams, MergeBody } from './cart.schemas.js';

export interface CartRoutesDeps {
  db: Db;
  stores: Stores;
  policy: CartPolicy & { maxLines: number };
  /** Budget for writes, keyed by user (or address for guests). */
  writeLimit: RequestHandler;
}

const owner = (req: Request): CartOwner => ({ userId: req.user?.id, guestCartId: req.get('x-cart-id') ?? undefined });
const cartOf = (req: Request, deps: CartRoutesDeps) => resolveCart(deps.stores, owner(req), deps.policy);
const writes = { before: (deps: CartRoutesDeps) => [deps.writeLimit] };
const retryAfter = z.object({ 'Retry-After': z.string().describe('seconds to wait') });
const limited = errorResponse('RATE_LIMITED (writes); see Retry-After', retryAfter);
const noCart = errorResponse('CART_NOT_FOUND: no token and no live guest cart with that X-Cart-Id');
const theCart = (description: string) => ({ description, schema: Cart });

/** Mounted at the root: everything under /api/cart, the admin path first. */
export const cartRoutes: Array<Route<CartRoutesDeps>> = [
  tasksRoute('/api/cart/admin/tasks'),
  defineRoute(
    {
      method: 'post',
      path: '/api/cart',
      summary: 'Create a guest cart (send its id as X-Cart-Id from then on); takes no body',
      auth: 'optional',
      responses: { 201: { description: 'created', schema: CreatedCart }, 429: limited },
    },
    async ({ req }, deps: CartRoutesDeps) => {
      if (req.body !== undefined && Object.keys(req.body as object).length > 0) {
        throw AppError.badRequest('POST /api/cart takes no body');
      }
      return createGuestCart(deps.stores);
    },
    writes,
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/cart',
      summary: "The caller's cart, priced from the current product snapshots",
      auth: 'optional',
      request: { headers: CartHeaders },
      responses: { 200: theCart('the cart'), 404: noCart },
    },
    async ({ req }, deps: CartRoutesDeps) => viewCart(deps.stores, await cartOf(req, deps)),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/cart/items',
      summary: 'Add a product (adds to an existing line, capped at 99)',
      auth: 'optional',
      request: { headers: CartHeaders, body: AddItemBody },
      responses: {
        200: theCart('the cart after the change'),
        404: errorResponse('CART_NOT_FOUND, or PRODUCT_NOT_FOUND (unknown, deleted or not for sale)'),
        409: errorResponse('CURRENCY_MISMATCH or CART_FULL'),
        429: limited,
      },
    },
    async ({ req, body }, deps: CartRoutesDeps) => addItem(deps.stores, await cartOf(req, deps), body, deps.policy.maxLines),
    writes,
  ),
  defineRoute(
    {
      method: 'patch',
      path: '/api/cart/items/:productId',
      summary: "Set a line's quantity (0 removes it)",
      auth: 'optional',
      request: { headers: CartHeaders, params: ItemParams, body: ChangeItemBody },
      responses: { 200: theCart('the cart after the change'), 404: errorResponse('CART_NOT_FOUND or ITEM_NOT_FOUND'), 429: limited },
    },
    async ({ req, params, body }, deps: CartRoutesDeps) => changeItem(deps.stores, await cartOf(req, deps), params.productId, body.quantity),
    writes,
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/api/cart/items/:productId',
      summary: 'Remove a line (idempotent)',
      auth: 'optional',
      request: { headers: CartHeaders, params: ItemParams },
      responses: { 200: theCart('the cart after the change'), 404: noCart, 429: limited },
    },
    async ({ req, params }, deps: CartRoutesDeps) => removeItem(deps.stores, await cartOf(req, deps), params.productId),
    writes,
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/cart/merge',
      summary: "Merge a guest cart into the signed-in user's cart; the guest cart is deleted",
      auth: 'user',
      request: { body: MergeBody },
      responses: { 200: theCart("the user's cart after the merge"), 404: errorResponse('CART_NOT_FOUND: not a live guest cart'), 409: errorResponse('CURRENCY_MISMATCH or CART_FULL'), 429: limited },
    },
    ({ req, body }, deps: CartRoutesDeps) => mergeCarts(deps.stores, req.user!.id, body.guestCartId, deps.policy),
    writes,
  ),
];

/** The service's OpenAPI 3.1 document, generated from the routes. */
export const cartDocument = () =>
  openApiDocument(
    {
      title: 'Cart service',
      description:
        'Guest carts (X-Cart-Id) and one cart per signed-in user. Prices and names always come from the current ' +
        'product snapshot; money is integer minor units with a currency.',
    },
    cartRoutes,
  );
