import type { EventData, EventType } from '@shop/contracts';
import type { OrderStatus } from './types.js';
import type {
  Address,
  CustomerSnapshot,
  IdempotencyRecord,
  Line,
  NewOrder,
  Order,
  OrderView,
  PaymentAttempt,
  PaymentStatus,
  PricedLine,
  ProductSnapshot,
} from './types.js';

/** What the order domain needs from storage and the outbox; data/ implements it with knex. */

/** A position in a list of orders, made and read by the store (opaque to the domain). */
export type OrderCursor = { readonly __cursor: unique symbol };

export interface OrderPage {
  items: OrderView[];
  nextCursor: string | null;
}

export interface OrderStore {
  /** Writes the order with its lines in `status` (history is the state machine's job). */
  insert(order: NewOrder, status: OrderStatus): Promise<void>;
  /**
   * Moves the order to `to` only if it is still in one of `from`: two consumers racing on
   * the same order cannot both win. The moved order, or undefined when it was not in `from`.
   */
  setStatusIf(orderId: string, from: readonly OrderStatus[], to: OrderStatus): Promise<Order | undefined>;
  appendHistory(orderId: string, status: OrderStatus, reason: string | null): Promise<void>;
  /** With `lock`, holds the order until the transaction ends. */
  find(orderId: string, options?: { lock?: boolean }): Promise<Order | undefined>;
  lines(orderId: string): Promise<PricedLine[]>;
  view(orderId: string): Promise<OrderView | undefined>;
  /** Newest first; `userId` undefined lists everybody's orders (admin). */
  list(query: { userId?: string; limit: number; cursor?: OrderCursor }): Promise<OrderPage>;
  /** undefined when `raw` is not a nextCursor this store made. */
  parseCursor(raw: string): OrderCursor | undefined;
  /** Units of each product in the user's orders in `statuses`. */
  unitsOrdered(userId: string, productIds: string[], statuses: readonly OrderStatus[]): Promise<Map<string, number>>;
  /** Units in PENDING orders (placed, not yet reserved by inventory), per product. */
  pendingUnits(productIds: string[]): Promise<Map<string, number>>;
  /** Ids of PENDING orders whose expiresAt is before `before`, oldest first. */
  pendingExpiredBefore(before: Date, limit: number): Promise<string[]>;
  /**
   * Ids of RESERVED orders whose expiresAt is before `before` and whose charge is not under
   * way (no CHARGING attempt within its lease), oldest first.
   */
  reservedExpiredBefore(before: Date, limit: number): Promise<string[]>;
  /**
   * Holds these orders until the transaction ends, taken in id order so two lockers never
   * deadlock. An order's lock comes before its payment attempt's, everywhere.
   */
  lock(orderIds: string[]): Promise<void>;
  /** Serialises one user's placements for the rest of the transaction (the cap check). */
  lockCustomer(userId: string): Promise<void>;
  /**
   * A profile change on every order of the user not in `except`: the name, the phone when
   * given, and the address when given, but the address only on orders that took the profile's
   * (`addressFromProfile`). How many orders changed.
   */
  followProfile(userId: string, change: ProfileChange, except: readonly OrderStatus[]): Promise<number>;
}

/** What of a profile change reaches orders; an absent field leaves the order's as it is. */
export interface ProfileChange {
  name: string;
  phone?: string;
  address?: Address;
}

export interface PaymentStore {
  /** Written before any charge; false when the order already has an attempt. */
  create(attempt: { orderId: string; amount: number; currency: string; token: string }): Promise<boolean>;
  find(orderId: string): Promise<PaymentAttempt | undefined>;
  /** Records the provider's answer on a CHARGING attempt once; false if another worker already did. */
  finish(orderId: string, status: PaymentStatus, reason: string | null): Promise<boolean>;
  /** A PENDING attempt becomes VOID (its order ended before the charge). */
  voidPending(orderId: string, reason: string): Promise<void>;
  /**
   * In a transaction of its own: up to `limit` due attempts (PENDING, or CHARGING past their
   * lease) that no other worker holds; those whose order is no longer RESERVED, or whose hold
   * (the order's expiresAt) ends before `holdUntil`, are voided uncharged; the rest move to
   * CHARGING with a lease of `leaseMs`.
   */
  claimDue(
    leaseMs: number,
    limit: number,
    holdUntil: Date,
  ): Promise<{ claimed: Array<{ attempt: PaymentAttempt; order: Order }>; voided: number }>;
}

/** A won claim carries its fence: the token that completes or releases the key. */
export type Claim = { claimed: true; token: string } | { claimed: false; record: IdempotencyRecord };

export interface IdempotencyStore {
  /**
   * Claims (user, key) for this request; exactly one of any number of simultaneous requests
   * wins. An in-flight claim older than `staleMs` or any past `ttlHours` may be taken over, once;
   * the takeover gets a new token, so the request it took the key from can no longer finish.
   */
  claim(input: { userId: string; key: string; hash: string; staleMs: number; ttlHours: number }): Promise<Claim>;
  /** What the key holds now, if anything (no claim is made). */
  find(userId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Remembers the reply under the key (in the order's transaction), only while the claim is
   * still `token`'s: false when another request took it over, and then the order must not commit.
   */
  complete(userId: string, key: string, token: string, status: number, body: unknown): Promise<boolean>;
  /** Frees the key if `token` still holds it in flight (its request created nothing), so the client may retry. */
  release(userId: string, key: string, token: string): Promise<void>;
  deleteExpired(ttlHours: number): Promise<number>;
}

export interface ProductStore {
  find(ids: string[]): Promise<Map<string, ProductSnapshot>>;
  /** Writes the snapshot unless a newer event already did, or the product was deleted. */
  upsert(product: Omit<ProductSnapshot, 'deleted'>, sourceAt: Date): Promise<void>;
  /** Deletion wins over any later update: a deleted product stays unsellable. */
  markDeleted(productId: string, sourceAt: Date): Promise<void>;
}

export interface CustomerStore {
  find(userId: string): Promise<CustomerSnapshot | undefined>;
  /** The email always sticks; the name only if nothing newer wrote it. */
  upsertRegistered(customer: { userId: string; email: string; name: string }, sourceAt: Date): Promise<void>;
  /** false when a newer profile was already applied. */
  upsertProfile(customer: { userId: string; name: string; phone: string | null; shippingAddress: Address | null }, sourceAt: Date): Promise<boolean>;
}

/** Carried by an event; its `source` is the service instance's, set by data/. */
export interface EventMeta {
  correlationId: string;
}

export interface OrderStores {
  orders: OrderStore;
  payments: PaymentStore;
  idempotency: IdempotencyStore;
  products: ProductStore;
  customers: CustomerStore;
}

/** One database transaction's worth of stores, with its outbox. */
export interface OrderTx extends OrderStores {
  /**
   * Writes an event to the outbox: it commits with the business rows or not at all, and the
   * outbox relay is woken after the commit.
   */
  emit<T extends EventType>(type: T, data: EventData<T>, meta: EventMeta): Promise<void>;
  /** Runs `fn` once the transaction has committed (never if it rolls back). */
  onCommit(fn: () => unknown): void;
}

/** The stores over the pool, and the way into a transaction. */
export interface OrderDb extends OrderStores {
  transaction<T>(work: (tx: OrderTx) => Promise<T>): Promise<T>;
}

/**
 * The sale gate: a fast counter of units per hot product, in front of Postgres.
 * `passed`: every line's units were taken (all or none); `sold_out`: some line had too few
 * and nothing was taken; `bypassed`: the gate could not decide (Redis away, stock unknown)
 * and nothing was taken, so the order goes on to inventory, which stays the judge.
 */
export type GateResult = { outcome: 'passed' } | { outcome: 'sold_out'; productId: string } | { outcome: 'bypassed'; why: string };

/**
 * The pre-check before any Postgres I/O: `known` if this (user, key) was ever claimed (a replay
 * must still find its order), `sold_out` if every line has a gate counter and some line has too
 * few units, else `go`. `unavailable` when Redis cannot answer: the normal path decides.
 */
export type PreCheck = { outcome: 'known' } | { outcome: 'go' } | { outcome: 'unavailable' } | { outcome: 'sold_out'; productId: string };

export interface StockGate {
  /** Reads only: takes no units. */
  preCheck(userId: string, idempotencyKey: string, lines: Line[]): Promise<PreCheck>;
  /**
   * Remembers that (user, key) is being claimed, for `ttlSeconds`; called BEFORE the key is
   * claimed in Postgres, so a retry racing the claim can never be answered `sold_out`.
   * Returns false when Redis could not record it (never throws).
   */
  markKey(userId: string, idempotencyKey: string, ttlSeconds: number): Promise<boolean>;
  take(lines: Line[]): Promise<GateResult>;
  /** Puts units back after an order that passed the gate ends without a sale. Never throws. */
  giveBack(lines: Line[]): Promise<void>;
}

/** Units inventory can still sell, as its own API reports them; undefined when unknown. */
export interface StockSource {
  available(productId: string): Promise<number | undefined>;
}

/** The caller's cart (items only); throws AppError 503 when the cart service is unreachable. */
export interface CartSource {
  items(authorization: string): Promise<Line[]>;
}

/** Wakes a background worker (the payment worker after a reservation commits). */
export interface RelayKick {
  kick(): void;
}

/** What the reconciler needs from the gate besides take/give-back. */
export interface GateAdmin {
  trackedProducts(): Promise<string[]>;
  reset(productId: string, units: number): Promise<void>;
  /** Sets the counter to `units` only if it is above that; never raises it. */
  lower(productId: string, units: number): Promise<void>;
  tryLock(ms: number): Promise<boolean>;
}
