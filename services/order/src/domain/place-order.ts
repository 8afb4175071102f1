import { randomUUID } from 'node:crypto';
import { AppError } from '@shop/errors';
import type { Logger } from '@shop/logger';
import { EventTypes } from '@shop/contracts';
import { openOrder } from './order-state.js';
import { checkPurchaseCap, priceLines } from './price-lines.js';
import { requestHash } from './request-hash.js';
import type { CartSource, GateResult, OrderDb, PreCheck, StockGate } from './ports.js';
import type { Address, Caller, IdempotencyRecord, Line, OrderView, PaymentToken } from './types.js';
import { claimAdmission, releaseAdmission, settleAdmission, verifyAdmission, type Admission, type AdmissionDeps } from './admission.js';

export interface PlaceOrderDeps {
  store: OrderDb;
  gate: StockGate;
  cart: CartSource;
  logger: Logger;
  /** The drop kit: a product on a live drop needs an admission token (absent: no drops). */
  admission?: AdmissionDeps;
  settings: {
    /** Lines per order and units per line: a cart's items obey the same caps as a body's. */
    maxLines: number;
    maxUnitsPerLine: number;
    orderTtlSeconds: number;
    idempotencyStaleMs: number;
    idempotencyTtlHours: number;
  };
}

export interface PlaceOrderBody {
  items?: Line[];
  paymentToken: PaymentToken;
  shippingAddress?: Address;
}

export interface PlaceOrderInput {
  caller: Caller;
  idempotencyKey: string;
  body: PlaceOrderBody;
  authorization: string;
  requestId: string;
  /** X-Admission-Token, for a product on a live drop. */
  admissionToken?: string;
}

export interface Reply {
  status: number;
  body: unknown;
  replayed: boolean;
}

/**
 * POST /api/orders with Stripe's idempotency semantics. Only a created order is remembered
 * under its key; a request that was refused (4xx) or failed (5xx) created nothing, so it
 * frees the key and a retry runs the checks again (stock may have come back meanwhile).
 */
export async function placeOrder(deps: PlaceOrderDeps, input: PlaceOrderInput): Promise<Reply> {
  // A drop's product without a valid admission token: 403 from memory, before Redis or Postgres.
  const admission = input.body.items?.length && deps.admission ? await verifyAdmission(deps.admission, input.caller, input.body.items, input.admissionToken) : undefined;
  if (!admission || !deps.admission) return placeWithKey(deps, input, undefined);
  // Single use, before the key is claimed: a reused token costs one Redis script and no Postgres.
  // 'same': this key took the hold before, so this is a retry, which the key replays or re-runs.
  const claimed = await claimAdmission(deps.admission, admission, input.idempotencyKey);
  let reply: Reply;
  try {
    reply = await placeWithKey(deps, input, admission);
  } catch (err) {
    if (claimed === 'ok') await releaseAdmission(deps.admission, admission, input.idempotencyKey);
    throw err;
  }
  // The key had made another order before: this hold was not used.
  if (reply.replayed && claimed === 'ok') await releaseAdmission(deps.admission, admission, input.idempotencyKey);
  return reply;
}

async function placeWithKey(deps: PlaceOrderDeps, input: PlaceOrderInput, admission: Admission | undefined): Promise<Reply> {
  const { store, gate, settings } = deps;
  const userId = input.caller.id;
  const key = input.idempotencyKey;
  const markerTtl = settings.idempotencyTtlHours * 3600;
  // A claimed hold stands for the pre-check and the marker: its units were counted for this buyer
  // (take() still asks the gate), and the hold remembers the key that claimed it ('same' on a
  // retry, which then replays through the key's row). Two Redis round trips fewer per admitted order.
  // Otherwise the sold-out fast path: one round trip, no Postgres I/O. A key claimed before ('known')
  // still takes the normal path, so a retry of a key that made an order replays it.
  const pre: PreCheck = admission ? { outcome: 'known' } : input.body.items?.length ? await gate.preCheck(userId, key, input.body.items) : { outcome: 'go' };
  if (pre.outcome === 'sold_out') {
    // The Redis marker is only a hint (a flush or an outage loses it): the key's own row decides
    // whether this is a retry of a request that made an order, before anyone hears "sold out".
    const record = await store.idempotency.find(userId, key);
    if (record) return replay(record, requestHash(input.body));
    throw soldOut(pre.productId);
  }
  // A new key with its lines in the body takes its units now, before any Postgres work: a crowd
  // that arrives while the first orders commit hears "sold out" from the gate at once instead of
  // claiming keys to learn it later (drop.js at 2,000/s: buy-path-profile.md). Every way out
  // below gives them back; a drop's admitted order and a known key take them in createGatedOrder.
  const early = pre.outcome === 'go' && input.body.items?.length && !admission ? await gate.take(input.body.items) : undefined;
  if (early?.outcome === 'sold_out') {
    const record = await store.idempotency.find(userId, key);
    if (record) return replay(record, requestHash(input.body));
    throw soldOut(early.productId);
  }
  const giveBackEarly = async () => {
    if (early?.outcome === 'passed') await gate.giveBack(input.body.items!);
  };
  // Marked BEFORE the claim: a retry racing this claim sees 'known', never 'sold_out'.
  let marked: boolean;
  let claim: Awaited<ReturnType<typeof store.idempotency.claim>>;
  const hash = requestHash(input.body);
  try {
    marked = pre.outcome === 'known' || (pre.outcome === 'go' && (await gate.markKey(userId, key, markerTtl)));
    claim = await store.idempotency.claim({ userId, key, hash, staleMs: settings.idempotencyStaleMs, ttlHours: settings.idempotencyTtlHours });
  } catch (err) {
    await giveBackEarly();
    throw err;
  }
  if (!claim.claimed) {
    await giveBackEarly();
    return replay(claim.record, hash);
  }
  let view: OrderView;
  try {
    view = await createOrder(deps, input, claim.token, admission, early);
  } catch (err) {
    if (err instanceof ClaimLost) return replayAfterTakeover(deps, input, hash);
    await store.idempotency.release(userId, key, claim.token).catch((e) => deps.logger.warn({ err: e }, 'could not release idempotency key'));
    throw err;
  }
  // Redis was away before the claim: record the marker now that it may be back (best effort).
  if (!marked) await gate.markKey(userId, key, markerTtl);
  return { status: 202, body: view, replayed: false };
}

/**
 * This request stalled past the stale window and a retry took its key over: its order rolled
 * back (one order per key), and it answers as a retry would, with what the key holds now.
 */
class ClaimLost extends Error {
  constructor() {
    super('the idempotency claim was taken over by a retry');
  }
}

async function replayAfterTakeover(deps: PlaceOrderDeps, input: PlaceOrderInput, hash: string): Promise<Reply> {
  deps.logger.warn({ key: input.idempotencyKey }, 'idempotency claim taken over while this request ran; its order was rolled back');
  const record = await deps.store.idempotency.find(input.caller.id, input.idempotencyKey);
  // Gone: the retry that took it over created nothing either; the client may try again.
  return replay(record ?? { requestHash: hash, state: 'in_flight', responseStatus: null, responseBody: null }, hash);
}

/** The sale gate's refusal, from the fast pre-check or from taking units. */
const soldOut = (productId: string) => new AppError('OUT_OF_STOCK', 'Sold out', { details: { productId } });

function replay(record: IdempotencyRecord, hash: string): Reply {
  if (record.requestHash !== hash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body');
  }
  if (record.state === 'in_flight') {
    throw new AppError('IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed', {
      headers: { 'Retry-After': '1' },
    });
  }
  return { status: record.responseStatus ?? 202, body: record.responseBody, replayed: true };
}

async function createOrder(deps: PlaceOrderDeps, input: PlaceOrderInput, token: string, verified: Admission | undefined, early: GateResult | undefined): Promise<OrderView> {
  const lines = input.body.items ?? checkCartLines(await deps.cart.items(input.authorization), deps.settings);
  if (lines.length === 0) throw new AppError('EMPTY_ORDER', 'The order has no items and the cart is empty');
  if (!deps.admission || early) return createGatedOrder(deps, input, lines, token, early);
  if (verified) {
    // Claimed by placeOrder, which also releases it when this throws.
    const view = await createGatedOrder(deps, input, lines, token);
    await settleAdmission(deps.admission, verified);
    return view;
  }
  // Items from the cart are known only now: they face the same admission check.
  const admission = input.body.items ? undefined : await verifyAdmission(deps.admission, input.caller, lines, input.admissionToken);
  if (!admission) return createGatedOrder(deps, input, lines, token);
  const claimed = await claimAdmission(deps.admission, admission, input.idempotencyKey);
  let view: OrderView;
  try {
    view = await createGatedOrder(deps, input, lines, token);
  } catch (err) {
    if (claimed === 'ok') await releaseAdmission(deps.admission, admission, input.idempotencyKey);
    throw err;
  }
  await settleAdmission(deps.admission, admission);
  return view;
}

/** `early`: the gate's answer for these lines, taken before the key was claimed (its units given back if this throws). */
async function createGatedOrder(deps: PlaceOrderDeps, input: PlaceOrderInput, lines: Line[], token: string, early?: GateResult): Promise<OrderView> {
  const { store, gate, settings } = deps;
  const userId = input.caller.id;
  let priced: Awaited<ReturnType<typeof priceLines>>;
  try {
    priced = await priceLines(store.products, lines);
    // A cheap early refusal that spends no gate units (unless taken early); the binding check runs again under the lock.
    await checkPurchaseCap(store.orders, userId, priced);
  } catch (err) {
    if (early?.outcome === 'passed') await gate.giveBack(lines);
    throw err;
  }

  const gated = early ?? (await gate.take(lines));
  if (gated.outcome === 'sold_out') {
    throw soldOut(gated.productId);
  }
  if (gated.outcome === 'bypassed') deps.logger.warn({ why: gated.why }, 'sale gate bypassed; inventory decides');
  const gatePassed = gated.outcome === 'passed';

  const orderId = randomUUID();
  const expiresAt = new Date(Date.now() + settings.orderTtlSeconds * 1000);
  try {
    const view = await store.transaction(async (tx) => {
      await tx.orders.lockCustomer(userId);
      await checkPurchaseCap(tx.orders, userId, priced);
      const customer = await tx.customers.find(userId);
      await openOrder(tx.orders, {
        id: orderId,
        userId,
        email: input.caller.email ?? customer?.email ?? null,
        total: priced.total,
        currency: priced.currency,
        paymentToken: input.body.paymentToken,
        gatePassed,
        shipping: {
          name: customer?.name ?? input.caller.name ?? null,
          phone: customer?.phone ?? null,
          address: input.body.shippingAddress ?? customer?.shippingAddress ?? null,
        },
        addressFromProfile: input.body.shippingAddress === undefined,
        expiresAt,
        lines: priced.lines,
      });
      await tx.emit(
        EventTypes.OrderPlaced,
        {
          orderId,
          userId,
          items: priced.lines.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPrice: l.unitPrice })),
          total: priced.total,
          currency: priced.currency,
          expiresAt: expiresAt.toISOString(),
        },
        { correlationId: input.requestId },
      );
      const created = (await tx.orders.view(orderId))!;
      // Last, under the key's row lock: a claim taken over meanwhile rolls the whole order back.
      if (!(await tx.idempotency.complete(userId, input.idempotencyKey, token, 202, created))) throw new ClaimLost();
      return created;
    });
    return view;
  } catch (err) {
    if (gatePassed) await gate.giveBack(lines);
    throw err;
  }
}

/** Lines from the cart obey the same limits as lines in a body. */
function checkCartLines(lines: Line[], caps: { maxLines: number; maxUnitsPerLine: number }): Line[] {
  if (lines.length > caps.maxLines) throw AppError.badRequest(`An order holds at most ${caps.maxLines} lines; the cart has more`);
  const tooMany = lines.find((l) => l.quantity > caps.maxUnitsPerLine);
  if (tooMany) {
    throw AppError.badRequest(`At most ${caps.maxUnitsPerLine} units per line; the cart has ${tooMany.quantity} of ${tooMany.productId}`);
  }
  const seen = new Set<string>();
  return lines.filter((l) => !seen.has(l.productId) && seen.add(l.productId));
}
