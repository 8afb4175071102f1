import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, waitFor } from '@shop/testing';
import { paymentRepository } from '../src/data/payment.repository.js';
import { api, seedProduct, startOrderService, type Running } from './support.js';

let run: Running;

beforeAll(async () => {
  run = await startOrderService();
});

afterAll(async () => {
  await run?.close();
});

/** Backends of this database waiting for a row lock right now. */
async function lockWaiters(): Promise<number> {
  const { rows } = await run.service.db.raw(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
  return rows[0].n;
}

describe('one lock order: an order before its payment attempt (issue 10 #8)', () => {
  it('when a cancel holds the order and then voids its attempt while the payment worker claims, then neither waits on the other (no deadlock) and the cancel wins', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(run.service, { units: 5 });
    const placed = await api(run.url, user.accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 1 }] }, { 'Idempotency-Key': randomUUID() });
    expect(placed.status).toBe(202);
    const orderId = placed.body.id as string;
    const db = run.service.db;
    await db('orders').where('id', orderId).update({ status: 'RESERVED' });
    // Written not due yet (its foreign key would wait for the order lock below).
    await db('payment_attempts').insert({ order_id: orderId, amount: placed.body.total, currency: placed.body.currency, token: 'tok_visa', status: 'VOID' });

    // The cancel's transaction: the order's row lock first, as cancelOrder takes it.
    const cancel = await db.transaction();
    try {
      await cancel('orders').where('id', orderId).forUpdate().first();
      // The reservation's attempt appears: the service's own worker and this claim both go for it.
      await db('payment_attempts').where('order_id', orderId).update({ status: 'PENDING' });
      const claiming = paymentRepository(db).claimDue(10_000, 50, new Date());
      // Either the claim is over (it skipped the locked order) or someone is stuck on a lock.
      await Promise.race([claiming, waitFor(async () => (await lockWaiters()) > 0, { timeoutMs: 5_000, what: 'a claim waiting on the order lock' })]);
      // The cancel now voids the attempt. A claimer that locked the attempt first and then waited
      // for the order (attempts before orders) would hold it here: a deadlock waiting to happen.
      await cancel.raw('select 1 from payment_attempts where order_id = ? for update nowait', [orderId]);
      await cancel('payment_attempts').where({ order_id: orderId, status: 'PENDING' }).update({ status: 'VOID', reason: 'order cancelled' });
      await cancel('orders').where('id', orderId).update({ status: 'CANCELLED' });
      await cancel.commit();
      const { claimed } = await claiming;
      expect(claimed.map((c) => c.attempt.orderId)).not.toContain(orderId);
    } finally {
      if (!cancel.isCompleted()) await cancel.rollback().catch(() => {});
    }
    expect(await db('payment_attempts').where('order_id', orderId).first()).toMatchObject({ status: 'VOID', attempts: 0 });
  });
});
