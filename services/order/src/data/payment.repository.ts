import type { Knex } from 'knex';
import type { DbOrTx, Tx } from '@shop/db';
import { currentTraceparent } from '@shop/telemetry';
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
  claimedUntil: (r.claimed_until as Date | null) ?? null,
  traceparent: (r.traceparent as string | null) ?? null,
});

export function paymentRepository(db: DbOrTx): PaymentStore {
  return {
    create: (a) => createAttempt(db, a),
    find: (orderId) => findAttempt(db, orderId),
    finish: (orderId, status, reason) => finishAttempt(db, orderId, status, reason),
    voidPending: (orderId, reason) => voidAttempt(db, orderId, reason),
    claimDue: (leaseMs, limit, holdUntil) => claimDueAttempts(db, leaseMs, limit, holdUntil),
  };
}

/** Written before any charge; a second reservation event for the order finds it and stops. */
async function createAttempt(trx: DbOrTx, a: { orderId: string; amount: number; currency: string; token: string }): Promise<boolean> {
  const rows = await trx('payment_attempts')
    .insert({ order_id: a.orderId, amount: a.amount, currency: a.currency, token: a.token, status: 'PENDING', traceparent: currentTraceparent() })
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

/** PENDING, or CHARGING past its lease (the worker that claimed it died mid-charge). */
const due = (q: Knex.QueryBuilder, trx: Tx, table: string) =>
  q.where(`${table}.status`, 'PENDING').orWhere((c) => c.where(`${table}.status`, 'CHARGING').where(`${table}.claimed_until`, '<', trx.fn.now()));

/**
 * Claims up to `limit` attempts in one transaction (one commit for the lot). The orders are
 * locked first and their attempts after them, the order every writer of an order and its
 * attempt keeps (cancel, inventory's outcomes, recording a charge): locking attempts first
 * and then waiting for an order a cancel held was a deadlock. SKIP LOCKED leaves an order that
 * a cancel or another worker holds to them (LIMIT counts only the rows locked, so a second lane
 * gets the next ones). An attempt whose order is no longer RESERVED, or whose hold ends before
 * `holdUntil`, is voided without a charge; the rest move to CHARGING with a lease; a cancel
 * sees either "not charging yet" or "charging".
 */
async function claimDueAttempts(db: DbOrTx, leaseMs: number, limit: number, holdUntil: Date): Promise<ClaimedBatch> {
  return db.transaction(async (trx: Tx) => {
    const orders: OrderRow[] = await trx('orders as o')
      .join('payment_attempts as a', 'a.order_id', 'o.id')
      .where((q) => due(q, trx, 'a'))
      .orderBy('a.created_at')
      .limit(limit)
      .select('o.*')
      .forUpdate('o')
      .skipLocked();
    if (orders.length === 0) return { claimed: [], voided: 0 };
    const byId = new Map(orders.map((o) => [o.id, o]));
    // Re-read under the order locks: another worker may have claimed one since our snapshot.
    const rows = await trx('payment_attempts')
      .whereIn('order_id', [...byId.keys()])
      .where((q) => due(q, trx, 'payment_attempts'))
      .orderBy('order_id')
      .forUpdate();
    const ids = rows.map((r) => r.order_id as string);
    const whyNot = (o: OrderRow | undefined): string | undefined => {
      if (o?.status !== 'RESERVED') return `order is ${o?.status ?? 'missing'}`;
      if (o.expires_at < holdUntil) return 'the hold ends before a charge could be confirmed';
      return undefined;
    };
    const charge = ids.filter((id) => !whyNot(byId.get(id)));
    const voids = ids.filter((id) => whyNot(byId.get(id)));
    for (const id of voids) {
      await trx('payment_attempts').where('order_id', id).update({ status: 'VOID', reason: whyNot(byId.get(id)), updated_at: trx.fn.now() });
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
