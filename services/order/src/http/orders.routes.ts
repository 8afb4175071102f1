import { Router, validate, parseOrThrow, type RequestHandler } from '@shop/http';
import { AppError } from '@shop/errors';
import type { Auth } from '@shop/auth';
import { placeOrder, type PlaceOrderDeps } from '../domain/place-order.js';
import { cancelOrder } from '../domain/cancel-order.js';
import { getOrder, listOrdersFor } from '../domain/read-orders.js';
import type { OutcomeDeps } from '../domain/order-outcomes.js';
import type { OrderDb } from '../domain/ports.js';
import { callerOf } from './caller.js';
import { IdempotencyKeySchema, IdParamsSchema, ListQuerySchema, PlaceOrderSchema } from './orders.schemas.js';

export interface OrderRouteDeps {
  store: OrderDb;
  auth: Auth;
  place: PlaceOrderDeps;
  outcomes: OutcomeDeps;
  /** Per-user limit on placing orders. */
  placeLimiter: RequestHandler;
}

const requireIdempotencyKey: RequestHandler = (req, res, next) => {
  const key = req.get('idempotency-key');
  if (key === undefined || key === '') {
    throw new AppError('IDEMPOTENCY_KEY_MISSING', 'Send an Idempotency-Key header (1..255 characters) with every order', 400);
  }
  res.locals.idempotencyKey = parseOrThrow(IdempotencyKeySchema, key);
  next();
};

export function ordersRouter(deps: OrderRouteDeps): Router {
  const router = Router();
  router.use(deps.auth.required);

  router.post('/', deps.placeLimiter, requireIdempotencyKey, validate('body', PlaceOrderSchema), async (req, res) => {
    const reply = await placeOrder(deps.place, {
      caller: callerOf(req),
      idempotencyKey: res.locals.idempotencyKey,
      body: res.locals.body,
      authorization: req.get('authorization') ?? '',
      requestId: req.id,
      admissionToken: req.get('x-admission-token') || undefined,
    });
    if (reply.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(reply.status).json(reply.body);
  });

  router.get('/', validate('query', ListQuerySchema), async (req, res) => {
    res.json(await listOrdersFor(deps.store.orders, callerOf(req), res.locals.query));
  });

  router.get('/:id', validate('params', IdParamsSchema), async (req, res) => {
    res.json(await getOrder(deps.store.orders, callerOf(req), res.locals.params.id));
  });

  router.post('/:id/cancel', validate('params', IdParamsSchema), async (req, res) => {
    res.json(await cancelOrder(deps.store, deps.outcomes, callerOf(req), res.locals.params.id, req.id));
  });

  return router;
}
