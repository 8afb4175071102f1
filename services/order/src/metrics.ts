import { Counter, Histogram, register } from 'prom-client';
import { scrapeGauge, scrapeReading, type GaugeSample } from '@shop/http';
import type { ChargeResult } from './domain/payment-provider.js';
import type { OrderStatus } from './domain/types.js';

/**
 * The order service's own numbers, named here once (monitoring/ reads these names; the
 * dashboard test checks them against a live /metrics). Refusals (OUT_OF_STOCK,
 * PURCHASE_LIMIT_EXCEEDED, RATE_LIMITED, ADMISSION_REQUIRED) are `http_request_errors_total`
 * by code, counted by @shop/http where the refusal becomes the answer.
 */

// Registered once per process, however often this module is loaded (jest loads it per suite).
function once<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

/** Each status an order reaches, as the outcome a shop speaks of. */
const OUTCOME: Record<OrderStatus, string> = {
  PENDING: 'placed',
  RESERVED: 'reserved',
  CONFIRMED: 'confirmed',
  REJECTED: 'rejected',
  CANCELLED: 'cancelled',
  EXPIRED: 'expired',
};

export const ordersTotal = once(
  'shop_orders_total',
  () =>
    new Counter({
      name: 'shop_orders_total',
      help: 'Orders reaching each status (placed = PENDING), with the reason an order ended without a sale',
      labelNames: ['outcome', 'reason'],
    }),
);

// Reasons are the stable codes the flow writes (OUT_OF_STOCK, CARD_DECLINED, PAYMENT_TIMEOUT,
// NEVER_RESERVED, ...); anything else is folded so a free-text reason cannot grow the label set.
const REASON = /^[A-Z][A-Z0-9_]{0,39}$/;
const reasonLabel = (reason: string | null) => (reason === null ? '' : REASON.test(reason) ? reason : 'OTHER');

/** One order status change that has committed (order_status_history is written in the same transaction). */
export function countTransition(status: OrderStatus, reason: string | null): void {
  ordersTotal.inc({ outcome: OUTCOME[status], reason: reasonLabel(reason) });
}

export const paymentDuration = once(
  'shop_payment_duration_seconds',
  () =>
    new Histogram({
      name: 'shop_payment_duration_seconds',
      help: 'Payment provider calls by outcome (approved, declined, pending) and reason, timeouts included',
      labelNames: ['outcome', 'reason'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
);

export function observePayment(result: ChargeResult, seconds: number): void {
  paymentDuration.observe({ outcome: result.outcome, reason: result.outcome === 'approved' ? '' : reasonLabel(result.reason) }, seconds);
}

/** A live drop as the gauges read it at scrape time (one Redis script per drop). */
export interface DropReading {
  dropId: string;
  productId: string;
  status: string;
  queueLength: number;
  admitted: number;
  holds: number;
  /** Units not yet held (null before the open). */
  unitsLeft: number | null;
  /** The sale gate's counter for the drop's product. */
  gateUnits: number | undefined;
}

const drops = scrapeReading<DropReading[]>([], []);

/** The service names how to read its live drops; without it the drop gauges are empty. Every drop gauge shares one reading a scrape. */
export const watchDrops = drops.watch;

/** A gauge of the live drops: `sample` gives a drop's labels and value, or undefined for none. */
const dropGauge = (name: string, help: string, labels: string[], sample: (d: DropReading) => GaugeSample | undefined) =>
  scrapeGauge(name, help, labels, async () => (await drops.get()).map(sample).filter((s): s is GaugeSample => s !== undefined));

export const dropQueueLength = dropGauge('shop_drop_queue_length', 'Tickets waiting in a live drop\'s queue', ['drop', 'product', 'status'], (d) =>
  ({ labels: { drop: d.dropId, product: d.productId, status: d.status }, value: d.queueLength }),
);
export const dropAdmitted = dropGauge('shop_drop_admitted', 'Buyers a live drop has admitted so far (holds handed out)', ['drop', 'product'], (d) =>
  ({ labels: { drop: d.dropId, product: d.productId }, value: d.admitted }),
);
export const dropHolds = dropGauge('shop_drop_active_holds', 'Holds of a live drop not yet used or expired', ['drop', 'product'], (d) =>
  ({ labels: { drop: d.dropId, product: d.productId }, value: d.holds }),
);
export const dropUnitsLeft = dropGauge('shop_drop_units_left', 'Units of a live drop not yet held (absent before the open)', ['drop', 'product'], (d) =>
  d.unitsLeft === null ? undefined : { labels: { drop: d.dropId, product: d.productId }, value: d.unitsLeft },
);
export const gateUnitsLeft = dropGauge('shop_gate_units_left', 'The sale gate\'s units left for a hot product (one on a live drop)', ['product'], (d) =>
  d.gateUnits === undefined ? undefined : { labels: { product: d.productId }, value: d.gateUnits },
);

/**
 * Orders waiting in an open status and the age of the oldest: PENDING (for inventory, the "stuck
 * PENDING" signal) and RESERVED (for the payment worker; aged from the reservation).
 */
export interface OpenReading {
  pending: { count: number; oldestAgeSeconds: number };
  reserved: { count: number; oldestAgeSeconds: number };
}
const NO_READING = { count: Number.NaN, oldestAgeSeconds: Number.NaN };
const openOrders = scrapeReading<OpenReading>({ pending: { count: 0, oldestAgeSeconds: 0 }, reserved: { count: 0, oldestAgeSeconds: 0 } }, { pending: NO_READING, reserved: NO_READING });
export const watchPending = openOrders.watch;

export const ordersPending = scrapeGauge('shop_orders_pending', 'Orders PENDING (placed, not yet reserved or refused by inventory)', [], async () => (await openOrders.get()).pending.count);
export const ordersPendingOldest = scrapeGauge(
  'shop_orders_pending_oldest_age_seconds',
  'Age of the oldest PENDING order (0 when none)',
  [],
  async () => (await openOrders.get()).pending.oldestAgeSeconds,
);
export const ordersReserved = scrapeGauge('shop_orders_reserved', 'Orders RESERVED (stock held, the payment not yet settled)', [], async () => (await openOrders.get()).reserved.count);
export const ordersReservedOldest = scrapeGauge(
  'shop_orders_reserved_oldest_age_seconds',
  'Time since the oldest RESERVED order was reserved (0 when none)',
  [],
  async () => (await openOrders.get()).reserved.oldestAgeSeconds,
);
