import { defineRoute, errorResponse, parseOrThrow, type RequestHandler, type Route } from '@shop/http';
import { AppError } from '@shop/errors';
import type { Db } from '@shop/db';
import { tasksRoute } from '@shop/messaging';
import { z } from 'zod';
import { placeOrder, type PlaceOrderDeps } from '../domain/place-order.js';
import { cancelOrder } from '../domain/cancel-order.js';
import { getOrder, listOrdersFor } from '../domain/read-orders.js';
import type { OutcomeDeps } from '../domain/order-outcomes.js';
import type { OrderDb } from '../domain/ports.js';
import type { InvoiceStore } from '../domain/invoice-ports.js';
import { invoiceFor } from '../domain/invoices.js';
import { callerOf } from './caller.js';
import { IdempotencyHeaders, IdempotencyKeySchema, IdParamsSchema, ListQuerySchema, OrderListSchema, OrderSchema, PlaceOrderSchema } from './orders.schemas.js';

export interface OrderRouteDeps {
  db: Db;
  store: OrderDb;
  place: PlaceOrderDeps;
  outcomes: OutcomeDeps;
  /** Per-user limit on placing orders. */
  placeLimiter: RequestHandler;
  invoices: Pick<InvoiceStore, 'findByOrder'>;
}

const requireIdempotencyKey: RequestHandler = (req, res, next) => {
  const key = req.get('idempotency-key');
  if (key === undefined || key === '') {
    throw new AppError('IDEMPOTENCY_KEY_MISSING', 'Send an Idempotency-Key header (1..255 characters) with every order');
  }
  res.locals.idempotencyKey = parseOrThrow(IdempotencyKeySchema, key);
  next();
};

const noOrder = errorResponse('NOT_FOUND: no such order for this caller');
const retryAfter = z.object({ 'Retry-After': z.string().describe('seconds to wait') });
// Only INVOICE_NOT_READY says when to retry; an order that is not confirmed has nothing to wait for.
const retryAfterWhenNotReady = z.object({ 'Retry-After': z.string().optional().describe('seconds to wait; sent with INVOICE_NOT_READY only') });
// Only IDEMPOTENCY_KEY_IN_FLIGHT says when to retry; a sold-out or capped order has nothing to wait for.
const retryAfterWhenInFlight = z.object({ 'Retry-After': z.string().optional().describe('seconds to wait; sent with IDEMPOTENCY_KEY_IN_FLIGHT only') });

/** Every route of the service, in match order: admin paths before `/api/orders/:id`. */
export const orderRoutes: Array<Route<OrderRouteDeps>> = [
  tasksRoute('/api/orders/admin/tasks'),
  defineRoute(
    {
      method: 'post',
      path: '/api/orders',
      summary: 'Place an order (items from the body, else from the cart)',
      description: 'Accepted as PENDING until inventory and payment answer; a retry with the same Idempotency-Key replays the first answer.',
      auth: 'user',
      request: { headers: IdempotencyHeaders, body: PlaceOrderSchema, bodyRequired: false },
      responses: {
        202: { description: 'accepted: PENDING (Idempotent-Replayed: true on a replay)', schema: OrderSchema },
        403: errorResponse('ADMISSION_REQUIRED: a product on a live drop, without a valid, unused admission token of this buyer'),
        400: errorResponse('VALIDATION_FAILED, IDEMPOTENCY_KEY_MISSING, UNKNOWN_PRODUCT, MIXED_CURRENCY or EMPTY_ORDER'),
        409: errorResponse('OUT_OF_STOCK, PURCHASE_LIMIT_EXCEEDED or IDEMPOTENCY_KEY_IN_FLIGHT (this one with Retry-After)', retryAfterWhenInFlight),
        422: errorResponse('IDEMPOTENCY_KEY_REUSED: the same key with another body'),
        429: errorResponse('RATE_LIMITED: too many orders from this user; see Retry-After', retryAfter),
      },
    },
    async ({ req, res, body }, deps: OrderRouteDeps) => {
      const reply = await placeOrder(deps.place, {
        caller: callerOf(req),
        idempotencyKey: res.locals.idempotencyKey,
        body,
        authorization: req.get('authorization') ?? '',
        requestId: req.id,
        admissionToken: req.get('x-admission-token') || undefined,
      });
      if (reply.replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(reply.status).json(reply.body);
    },
    { before: (deps) => [deps.placeLimiter, requireIdempotencyKey] },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/orders',
      summary: "The caller's orders, newest first (an admin may pass userId)",
      auth: 'user',
      request: { query: ListQuerySchema },
      responses: {
        200: { description: 'one page', schema: OrderListSchema },
        403: errorResponse('FORBIDDEN: userId of another user without the admin role'),
      },
    },
    ({ req, query }, deps: OrderRouteDeps) => listOrdersFor(deps.store.orders, callerOf(req), query),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/orders/:id',
      summary: 'One order (owner or admin)',
      auth: 'user',
      request: { params: IdParamsSchema },
      responses: { 200: { description: 'the order', schema: OrderSchema }, 404: noOrder },
    },
    ({ req, params }, deps: OrderRouteDeps) => getOrder(deps.store.orders, callerOf(req), params.id),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/orders/:id/cancel',
      summary: 'Cancel a PENDING or RESERVED order (owner); its units go back to stock',
      auth: 'user',
      request: { params: IdParamsSchema },
      responses: {
        200: { description: 'cancelled', schema: OrderSchema },
        404: noOrder,
        409: errorResponse('INVALID_STATE: the order can no longer be cancelled'),
      },
    },
    ({ req, params }, deps: OrderRouteDeps) => cancelOrder(deps.store, deps.outcomes, callerOf(req), params.id, req.id),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/orders/:id/invoice',
      summary: 'The PDF invoice of a confirmed order (owner or admin)',
      description: 'Made once when the order is confirmed and numbered without gaps per year (INV-<year>-<000001>); the same PDF is attached to the confirmation mail.',
      auth: 'user',
      request: { params: IdParamsSchema },
      responses: {
        200: {
          description: 'the invoice (Content-Disposition names the file after its number)',
          mediaType: 'application/pdf',
          headers: z.object({ 'Content-Disposition': z.string().describe('attachment; filename="INV-2026-000001.pdf"') }),
        },
        404: noOrder,
        409: errorResponse('ORDER_NOT_CONFIRMED: the order has no invoice (not confirmed); INVOICE_NOT_READY: confirmed a moment ago, retry (Retry-After)', retryAfterWhenNotReady),
      },
    },
    async ({ req, res, params }, deps: OrderRouteDeps) => {
      const invoice = await invoiceFor(deps.store.orders, deps.invoices, callerOf(req), params.id);
      res
        .status(200)
        .type('application/pdf')
        .setHeader('Content-Disposition', `attachment; filename="${invoice.number}.pdf"`)
        .setHeader('Cache-Control', 'private, no-store')
        .send(invoice.pdf);
    },
  ),
];
