import { randomUUID } from 'node:crypto';
import type { InventoryTx, Line, Reservation } from './ports.js';
import { normaliseLines } from './lines.js';
import { ShortOfStock, UnknownProduct } from './short-of-stock.js';

export interface OrderToReserve {
  orderId: string;
  items: readonly Line[];
  expiresAt?: string;
}

export interface ReserveSettings {
  now: Date;
  ttlSeconds: number;
}

export type ReserveOutcome =
  | { result: 'reserved'; reservationId: string }
  | { result: 'rejected'; productIds: string[] }
  | { result: 'answered_again'; status: Reservation['status'] };

export const OUT_OF_STOCK = 'OUT_OF_STOCK';
/** The order's own deadline passed before it reached us: holding for it would hold nothing. */
export const ORDER_EXPIRED = 'ORDER_EXPIRED';
/** Stock columns are Postgres integers; nobody holds more than this of anything. */
const MAX_QUANTITY = 2_147_483_647;

/**
 * Reserves every line of an order or none of them. The reservation row is claimed first:
 * `order_id` is unique, so a second message about the same order (redelivered or not)
 * finds it and gets the first outcome again instead of reserving twice.
 */
export async function reserveOrder(tx: InventoryTx, order: OrderToReserve, settings: ReserveSettings): Promise<ReserveOutcome> {
  const lines = normaliseLines(order.items);
  const expiresAt = holdUntil(order.expiresAt, settings);
  const reservationId = randomUUID();

  const lapsed = expiresAt.getTime() <= settings.now.getTime();
  const claimed = await tx.reservations.claim({
    id: reservationId,
    orderId: order.orderId,
    status: lapsed ? 'rejected' : 'held',
    ...(lapsed ? { reason: ORDER_EXPIRED } : {}),
    expiresAt,
  });
  if (!claimed) {
    const existing = await tx.reservations.findByOrder(order.orderId);
    if (!existing) throw new Error(`reservation for order ${order.orderId} vanished`);
    await answerAgain(tx, existing);
    return { result: 'answered_again', status: existing.status };
  }

  if (lapsed) {
    // A backlog (or a bypassed gate) kept the order from us past its expiry. A hold that has
    // already lapsed would be swept at once and its units sold again while the order service
    // charged for them; refuse instead, and take nothing.
    await tx.outbox.emit('inventory.rejected.v1', { orderId: order.orderId, reason: ORDER_EXPIRED });
    return { result: 'rejected', productIds: [] };
  }

  try {
    await tx.atomically((savepoint) => takeAll(savepoint, lines));
  } catch (err) {
    if (!(err instanceof ShortOfStock)) throw err;
    await tx.reservations.setStatus(reservationId, 'rejected', { reason: OUT_OF_STOCK, rejectedProductIds: err.productIds });
    await tx.outbox.emit('inventory.rejected.v1', { orderId: order.orderId, reason: OUT_OF_STOCK, productIds: err.productIds });
    return { result: 'rejected', productIds: err.productIds };
  }

  await tx.reservations.addLines(reservationId, lines);
  await tx.outbox.emit('inventory.reserved.v1', {
    orderId: order.orderId,
    reservationId,
    items: lines,
    expiresAt: expiresAt.toISOString(),
  });
  return { result: 'reserved', reservationId };
}

/**
 * Conditional updates in product order; every short line is named, then all of it is undone. A
 * line for a product with no stock record throws UnknownProduct: the whole message fails (the
 * claim rolls back with it), so it is retried and can be replayed once the record exists.
 */
async function takeAll(tx: InventoryTx, lines: Line[]): Promise<void> {
  const short: string[] = [];
  const unknown: string[] = [];
  for (const line of lines) {
    const fits = line.quantity <= MAX_QUANTITY && (await tx.stock.take(line.productId, line.quantity));
    if (!fits) ((await tx.stock.find(line.productId)) ? short : unknown).push(line.productId);
  }
  if (unknown.length > 0) throw new UnknownProduct(unknown);
  if (short.length > 0) throw new ShortOfStock(short);
}

function holdUntil(expiresAt: string | undefined, { now, ttlSeconds }: ReserveSettings): Date {
  const requested = expiresAt ? new Date(expiresAt) : undefined;
  if (requested && !Number.isNaN(requested.getTime())) return requested;
  return new Date(now.getTime() + ttlSeconds * 1000);
}

/** The same question gets the same answer: the order service may have missed the first one. */
async function answerAgain(tx: InventoryTx, existing: Reservation): Promise<void> {
  const { orderId } = existing;
  switch (existing.status) {
    case 'held':
    case 'committed':
      if (existing.lines.length === 0) return;
      await tx.outbox.emit('inventory.reserved.v1', {
        orderId,
        reservationId: existing.id,
        items: existing.lines,
        expiresAt: existing.expiresAt.toISOString(),
      });
      return;
    case 'rejected':
      await tx.outbox.emit('inventory.rejected.v1', {
        orderId,
        reason: existing.reason ?? OUT_OF_STOCK,
        productIds: existing.rejectedProductIds ?? [],
      });
      return;
    case 'released':
    case 'expired':
      await tx.outbox.emit('inventory.released.v1', { orderId, reason: existing.reason ?? existing.status.toUpperCase() });
      return;
  }
}
