import type { Db, DbOrTx } from '@shop/db';
import type { OrderRow } from './order.repository.js';

export type PaymentStatus = 'PENDING' | 'CHARGING' | 'APPROVED' | 'DECLINED' | 'VOID' | 'REFUND_REQUIRED';

export interface PaymentAttempt {
  orderId: string;
  amount: number;
  currency: string;
  token: string;
  status: PaymentStatus;
  attempts: number;
}

const toAttempt = (r: Record<string, unknown>): PaymentAttempt => ({
  orderId: r.order_id as string,
  amount: r.amount as number,
  currency: r.currency as string,
  token: r.token as string,
  status: r.status as PaymentStatus,
  attempts: r.attempts as number,
});

/** Written before any charge; a second reservation event for the order finds it and stops. */
export async function createAttempt(trx: DbOrTx, a: { orderId: string; amount: number; currency: string; token: string }): Promise<boolean> {
  const rows = await trx('payment_attempts')
    .insert({ order_id: a.orderId, amount: a.amount, currency: a.currency, token: a.token, status: 'PENDING' })
    .onConflict('order_id')
    .ignore()
    .returning('order_id');
  return rows.length > 0;
}

export async function findAttempt(db: DbOrTx, orderId: string): Promise<PaymentAttempt | undefined> {
  const r = await db('payment_attempts').where('order_id', orderId).first();
  return r ? toAttempt(r) : undefined;
}

export type Claimed = { attempt: PaymentAttempt; order: OrderRow } | { voided: string } | undefined;

/**
 * Takes the oldest attempt that is due (new, or a charge whose worker died past its lease)
 * and marks it CHARGING, holding the order's row lock meanwhile: a cancel, which takes the
 * same lock, sees either "not charging yet" (and voids it) or "charging" (and refuses).
 */
export async function claimDueAttempt(db: Db, leaseMs: number): Promise<Claimed> {
  return db.transaction(async (trx) => {
    const row = await trx('payment_attempts')
      .where('status', 'PENDING')
      .orWhere((q) => q.where('status', 'CHARGING').where('claimed_until', '<', trx.fn.now()))
      .orderBy('created_at')
      .first()
      .forUpdate()
      .skipLocked();
    if (!row) return undefined;
    const order = await trx<OrderRow>('orders').where('id', row.order_id).first().forUpdate();
    if (!order || order.status !== 'RESERVED') {
      await trx('payment_attempts')
        .where('order_id', row.order_id)
        .update({ status: 'VOID', reason: `order is ${order?.status ?? 'missing'}`, updated_at: trx.fn.now() });
      return { voided: row.order_id as string };
    }
    const [claimed] = await trx('payment_attempts')
      .where('order_id', row.order_id)
      .update({
        status: 'CHARGING',
        attempts: trx.raw('attempts + 1'),
        claimed_until: trx.raw('now() + make_interval(secs => ?)', [leaseMs / 1000]),
        updated_at: trx.fn.now(),
      })
      .returning('*');
    return { attempt: toAttempt(claimed), order };
  });
}

/** Records the provider's answer once; false if another worker already did. */
export async function finishAttempt(trx: DbOrTx, orderId: string, status: PaymentStatus, reason: string | null): Promise<boolean> {
  const rows = await trx('payment_attempts')
    .where({ order_id: orderId, status: 'CHARGING' })
    .update({ status, reason, claimed_until: null, updated_at: trx.fn.now() })
    .returning('order_id');
  return rows.length > 0;
}

export async function voidAttempt(trx: DbOrTx, orderId: string, reason: string): Promise<void> {
  await trx('payment_attempts').where({ order_id: orderId, status: 'PENDING' }).update({ status: 'VOID', reason, updated_at: trx.fn.now() });
}
