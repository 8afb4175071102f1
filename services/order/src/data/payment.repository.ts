import type { DbOrTx, Tx } from '@shop/db';
import type { PaymentStore } from '../domain/ports.js';
import type { PaymentAttempt, PaymentStatus } from '../domain/types.js';
import { toOrder, type OrderRow } from './order-rows.js';

const toAttempt = (r: Record<string, unknown>): PaymentAttempt => ({
  orderId: r.order_id as string,
  amount: r.amount as number,
  currency: r.currency as string,
  token: r.token as string,
  status: r.status as PaymentStatus,
  attempts: r.attempts as number,
});

export function paymentRepository(db: DbOrTx): PaymentStore {
  return {
    create: (a) => createAttempt(db, a),
    find: (orderId) => findAttempt(db, orderId),
    finish: (orderId, status, reason) => finishAttempt(db, orderId, status, reason),
    voidPending: (orderId, reason) => voidAttempt(db, orderId, reason),
    claimDue: (leaseMs, limit) => claimDueAttempts(db, leaseMs, limit),
  };
}

/** Written before any charge; a second reservation event for the order finds it and stops. */
async function createAttempt(trx: DbOrTx, a: { orderId: string; amount: number; currency: string; token: string }): Promise<boolean> {
  const rows = await trx('payment_attempts')
    .insert({ order_id: a.orderId, amount: a.amount, currency: a.currency, token: a.token, status: 'PENDING' })
    .onConflict('order_id')
    .ignore()
    .returning('order_id');
  return rows.length > 0;
}

async function findAttempt(db: DbOrTx, orderId: string): Promise<PaymentAttempt | undefined> {
  const r = await db('payment_attempts').where('order_id', orderId).first();
  return r ? toAttempt(r) : undefined;
}

/** Records the provider's answer once; false if another worker already did. */
async function finishAttempt(trx: DbOrTx, orderId: string, status: PaymentStatus, reason: string | null): Promise<boolean> {
  const rows = await trx('payment_attempts')
    .where({ order_id: orderId, status: 'CHARGING' })
    .update({ status, reason, claimed_until: null, updated_at: trx.fn.now() })
    .returning('order_id');
  return rows.length > 0;
}

async function voidAttempt(trx: DbOrTx, orderId: string, reason: string): Promise<void> {
  await trx('payment_attempts').where({ order_id: orderId, status: 'PENDING' }).update({ status: 'VOID', reason, updated_at: trx.fn.now() });
}

type ClaimedBatch = Awaited<ReturnType<PaymentStore['claimDue']>>;

/**
 * Claims up to `limit` attempts in one transaction (one commit for the lot):
 * due attempts are taken FOR UPDATE SKIP LOCKED (another worker gets the others), then their
 * orders are locked in id order; an attempt whose order is no longer RESERVED is voided, the
 * rest move to CHARGING with a lease. A cancel, which takes the order's lock, sees either
 * "not charging yet" or "charging", as with one attempt.
 */
async function claimDueAttempts(db: DbOrTx, leaseMs: number, limit: number): Promise<ClaimedBatch> {
  return db.transaction(async (trx: Tx) => {
    const rows = await trx('payment_attempts')
      .where('status', 'PENDING')
      .orWhere((q) => q.where('status', 'CHARGING').where('claimed_until', '<', trx.fn.now()))
      .orderBy('created_at')
      .limit(limit)
      .forUpdate()
      .skipLocked();
    if (rows.length === 0) return { claimed: [], voided: 0 };
    const ids = rows.map((r) => r.order_id as string);
    const orders = await trx<OrderRow>('orders').whereIn('id', ids).orderBy('id').forUpdate();
    const byId = new Map(orders.map((o) => [o.id, o]));
    const charge = ids.filter((id) => byId.get(id)?.status === 'RESERVED');
    const voids = ids.filter((id) => byId.get(id)?.status !== 'RESERVED');
    for (const id of voids) {
      await trx('payment_attempts')
        .where('order_id', id)
        .update({ status: 'VOID', reason: `order is ${byId.get(id)?.status ?? 'missing'}`, updated_at: trx.fn.now() });
    }
    if (charge.length === 0) return { claimed: [], voided: voids.length };
    const claimed = await trx('payment_attempts')
      .whereIn('order_id', charge)
      .update({
        status: 'CHARGING',
        attempts: trx.raw('attempts + 1'),
        claimed_until: trx.raw('now() + make_interval(secs => ?)', [leaseMs / 1000]),
        updated_at: trx.fn.now(),
      })
      .returning('*');
    return { claimed: claimed.map((r) => ({ attempt: toAttempt(r), order: toOrder(byId.get(r.order_id as string)!) })), voided: voids.length };
  });
}
