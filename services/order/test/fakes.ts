import { randomUUID } from 'node:crypto';
import type { EventType } from '@shop/contracts';
import { createLogger } from '@shop/logger';
import type { PlaceOrderDeps } from '../src/domain/place-order.js';
import type { Claim, GateResult, OrderCursor, OrderDb, OrderStores, OrderTx, PreCheck, StockGate } from '../src/domain/ports.js';
import type {
  CustomerSnapshot,
  IdempotencyRecord,
  Line,
  Order,
  OrderStatus,
  OrderView,
  PaymentAttempt,
  PricedLine,
  ProductSnapshot,
  StatusEntry,
} from '../src/domain/types.js';

/** Everything the in-memory stores hold; a failed transaction puts back the copy it started from. */
interface State {
  orders: Record<string, Order & { lines: PricedLine[]; history: StatusEntry[]; createdAt: string }>;
  products: Record<string, ProductSnapshot>;
  customers: Record<string, CustomerSnapshot>;
  keys: Record<string, IdempotencyRecord>;
  /** The token of each key's current claim (the fence). */
  claimTokens: Record<string, string>;
  payments: Record<string, PaymentAttempt>;
  outbox: Array<{ type: EventType; data: unknown }>;
}

const keyOf = (userId: string, key: string) => `${userId} ${key}`;

/** The order domain's ports over plain objects: the rules run without Postgres. */
export class MemoryStore implements OrderDb {
  state: State = { orders: {}, products: {}, customers: {}, keys: {}, claimTokens: {}, payments: {}, outbox: [] };
  /** Set to make the next transaction throw at its start (a database failure). */
  failNextTransaction?: Error;

  private stores(): OrderStores {
    const st = () => this.state;
    const view = (o: State['orders'][string]): OrderView => ({
      id: o.id,
      userId: o.userId,
      status: o.status,
      items: o.lines.map((l) => ({ ...l, lineTotal: l.unitPrice * l.quantity })),
      total: o.total,
      currency: o.currency,
      shipping: o.shipping,
      statusHistory: o.history,
      expiresAt: o.expiresAt.toISOString(),
      createdAt: o.createdAt,
      updatedAt: o.createdAt,
    });
    const strip = ({ lines: _l, history: _h, createdAt: _c, ...order }: State['orders'][string]): Order => ({ ...order });
    const units = (match: (o: Order) => boolean, productIds: string[]) => {
      const sums = new Map<string, number>();
      for (const o of Object.values(st().orders).filter(match)) {
        for (const l of o.lines) if (productIds.includes(l.productId)) sums.set(l.productId, (sums.get(l.productId) ?? 0) + l.quantity);
      }
      return sums;
    };
    return {
      orders: {
        insert: async (order, status) => {
          st().orders[order.id] = { ...order, status, history: [], createdAt: new Date().toISOString() };
        },
        setStatusIf: async (orderId, from, to) => {
          const o = st().orders[orderId];
          if (!o || !from.includes(o.status)) return undefined;
          o.status = to;
          return strip(o);
        },
        appendHistory: async (orderId, status, reason) => {
          st().orders[orderId].history.push({ status, reason, at: new Date().toISOString() });
        },
        find: async (orderId) => (st().orders[orderId] ? strip(st().orders[orderId]) : undefined),
        lines: async (orderId) => st().orders[orderId]?.lines ?? [],
        view: async (orderId) => (st().orders[orderId] ? view(st().orders[orderId]) : undefined),
        list: async ({ userId, limit }) => ({
          items: Object.values(st().orders).filter((o) => !userId || o.userId === userId).slice(0, limit).map(view),
          nextCursor: null,
        }),
        parseCursor: (raw) => (raw === 'ok' ? ({} as OrderCursor) : undefined),
        unitsOrdered: async (userId, productIds, statuses) => units((o) => o.userId === userId && statuses.includes(o.status), productIds),
        pendingUnits: async (productIds) => units((o) => o.status === 'PENDING', productIds),
        pendingExpiredBefore: async (before, limit) =>
          Object.values(st().orders).filter((o) => o.status === 'PENDING' && o.expiresAt < before).slice(0, limit).map((o) => o.id),
        reservedExpiredBefore: async (before, limit) =>
          Object.values(st().orders)
            .filter((o) => o.status === 'RESERVED' && o.expiresAt < before && !(st().payments[o.id]?.status === 'CHARGING' && (st().payments[o.id]?.claimedUntil ?? before) > new Date()))
            .slice(0, limit)
            .map((o) => o.id),
        lock: async () => undefined,
        lockCustomer: async () => undefined,
        followProfile: async (userId, change, except) => {
          const hit = Object.values(st().orders).filter((o) => o.userId === userId && !except.includes(o.status));
          for (const o of hit) {
            o.shipping = {
              name: change.name,
              phone: change.phone ?? o.shipping.phone,
              address: change.address && o.addressFromProfile ? change.address : o.shipping.address,
            };
          }
          return hit.length;
        },
      },
      payments: {
        create: async (a) => {
          if (st().payments[a.orderId]) return false;
          st().payments[a.orderId] = { ...a, status: 'PENDING', attempts: 0, claimedUntil: null, traceparent: null };
          return true;
        },
        find: async (orderId) => st().payments[orderId],
        finish: async (orderId, status) => {
          const a = st().payments[orderId];
          if (a?.status !== 'CHARGING') return false;
          a.status = status;
          return true;
        },
        voidPending: async (orderId) => {
          const a = st().payments[orderId];
          if (a?.status === 'PENDING') a.status = 'VOID';
        },
        claimDue: async () => ({ claimed: [], voided: 0 }),
      },
      idempotency: {
        claim: async ({ userId, key, hash }): Promise<Claim> => {
          const record = st().keys[keyOf(userId, key)];
          if (record) return { claimed: false, record: { ...record } };
          const token = randomUUID();
          st().keys[keyOf(userId, key)] = { requestHash: hash, state: 'in_flight', responseStatus: null, responseBody: null };
          st().claimTokens[keyOf(userId, key)] = token;
          return { claimed: true, token };
        },
        find: async (userId, key) => (st().keys[keyOf(userId, key)] ? { ...st().keys[keyOf(userId, key)] } : undefined),
        complete: async (userId, key, token, status, body) => {
          const record = st().keys[keyOf(userId, key)];
          if (record?.state !== 'in_flight' || st().claimTokens[keyOf(userId, key)] !== token) return false;
          Object.assign(record, { state: 'done', responseStatus: status, responseBody: structuredClone(body) });
          return true;
        },
        release: async (userId, key, token) => {
          if (st().keys[keyOf(userId, key)]?.state === 'in_flight' && st().claimTokens[keyOf(userId, key)] === token) delete st().keys[keyOf(userId, key)];
        },
        deleteExpired: async () => 0,
      },
      products: {
        find: async (ids) => new Map(ids.filter((id) => st().products[id]).map((id) => [id, st().products[id]])),
        upsert: async (p) => void (st().products[p.id] = { ...p, deleted: false }),
        markDeleted: async (id) => void (st().products[id] && (st().products[id].deleted = true)),
      },
      customers: {
        find: async (userId) => st().customers[userId],
        upsertRegistered: async (c) => void (st().customers[c.userId] = { ...c, phone: null, shippingAddress: null }),
        upsertProfile: async (c) => {
          st().customers[c.userId] = { email: st().customers[c.userId]?.email ?? null, ...c };
          return true;
        },
      },
    };
  }

  get orders() {
    return this.stores().orders;
  }
  get payments() {
    return this.stores().payments;
  }
  get idempotency() {
    return this.stores().idempotency;
  }
  get products() {
    return this.stores().products;
  }
  get customers() {
    return this.stores().customers;
  }

  async transaction<T>(work: (tx: OrderTx) => Promise<T>): Promise<T> {
    const before = structuredClone(this.state);
    const committed: Array<() => unknown> = [];
    const tx: OrderTx = {
      ...this.stores(),
      emit: async (type, data) => void this.state.outbox.push({ type, data }),
      onCommit: (fn) => void committed.push(fn),
    };
    try {
      if (this.failNextTransaction) {
        const err = this.failNextTransaction;
        this.failNextTransaction = undefined;
        throw err;
      }
      const result = await work(tx);
      for (const fn of committed) await fn();
      return result;
    } catch (err) {
      this.state = before;
      throw err;
    }
  }

  /** Orders of one user, in any state. */
  ordersOf(userId: string): Order[] {
    return Object.values(this.state.orders).filter((o) => o.userId === userId);
  }

  setStatus(orderId: string, status: OrderStatus): void {
    this.state.orders[orderId].status = status;
  }
}

/** A sale gate over a map of counters; a product with no counter is one the gate does not know. */
export class MemoryGate implements StockGate {
  readonly counters = new Map<string, number>();
  readonly markers = new Set<string>();
  /** When set, take() answers this whatever the counters say (a race lost after the pre-check). */
  forceTake?: GateResult;
  redisDown = false;

  async preCheck(userId: string, key: string, lines: Line[]): Promise<PreCheck> {
    if (this.redisDown) return { outcome: 'unavailable' };
    if (this.markers.has(keyOf(userId, key))) return { outcome: 'known' };
    if (lines.some((l) => !this.counters.has(l.productId))) return { outcome: 'go' };
    const short = lines.find((l) => this.counters.get(l.productId)! < l.quantity);
    return short ? { outcome: 'sold_out', productId: short.productId } : { outcome: 'go' };
  }

  async markKey(userId: string, key: string): Promise<boolean> {
    if (this.redisDown) return false;
    this.markers.add(keyOf(userId, key));
    return true;
  }

  async take(lines: Line[]): Promise<GateResult> {
    if (this.forceTake) return this.forceTake;
    if (this.redisDown) return { outcome: 'bypassed', why: 'redis down' };
    const unknown = lines.find((l) => !this.counters.has(l.productId));
    if (unknown) return { outcome: 'bypassed', why: `no stock figure for ${unknown.productId}` };
    const short = lines.find((l) => this.counters.get(l.productId)! < l.quantity);
    if (short) return { outcome: 'sold_out', productId: short.productId };
    for (const l of lines) this.counters.set(l.productId, this.counters.get(l.productId)! - l.quantity);
    return { outcome: 'passed' };
  }

  async giveBack(lines: Line[]): Promise<void> {
    for (const l of lines) if (this.counters.has(l.productId)) this.counters.set(l.productId, this.counters.get(l.productId)! + l.quantity);
  }
}

/** A placement world: the store, the gate, a cart and the settings the service runs with. */
export function placementWorld(options: { cart?: Line[] } = {}) {
  const store = new MemoryStore();
  const gate = new MemoryGate();
  const deps: PlaceOrderDeps = {
    store,
    gate,
    cart: { items: async () => options.cart ?? [] },
    logger: createLogger('order-unit', 'silent'),
    settings: { maxLines: 50, maxUnitsPerLine: 10, orderTtlSeconds: 900, idempotencyStaleMs: 60_000, idempotencyTtlHours: 24 },
  };
  return { store, gate, deps };
}
