import type { Logger } from '@shop/logger';
import { chargeDuePayments, type ChargeDeps } from '../domain/charge-payment.js';
import { reconcileGate } from '../domain/reconcile-gate.js';
import { expireOrders, type OutcomeDeps } from '../domain/order-outcomes.js';
import type { GateAdmin, OrderDb, StockSource } from '../domain/ports.js';
import { startLoop, type Loop } from '@shop/jobs';

// Two lanes of up to 50 attempts each: a batch costs two commits however many it holds, and
// a second lane charges while the first records (a slow tok_timeout holds only its own batch).
const LANES = 2;
const BATCH = 50;
const MAX_BATCHES_PER_TICK = 20;

/**
 * Charges due payment attempts in batches; kicked after a reservation commits. The interval is
 * only the fallback for leases that ran out (a replica died mid-charge): 500 ms made it two
 * transactions a second on every idle replica (load-tests/results/buy-path-profile.md).
 */
export function startPaymentWorker(deps: ChargeDeps, intervalMs = 5_000): Loop {
  const lane = async () => {
    for (let i = 0; i < MAX_BATCHES_PER_TICK && (await chargeDuePayments(deps, BATCH)) > 0; i++);
  };
  return startLoop({
    name: 'payments',
    intervalMs,
    logger: deps.logger,
    tick: () => Promise.all(Array.from({ length: LANES }, lane)),
  });
}

export function startGateReconciler(deps: { store: OrderDb; gate: GateAdmin; stock: StockSource; logger: Logger; intervalMs: number }): Loop {
  return startLoop({
    name: 'gate-reconcile',
    intervalMs: deps.intervalMs,
    logger: deps.logger,
    tick: async () => {
      const reset = await reconcileGate({
        gate: deps.gate,
        stock: deps.stock,
        pendingUnits: (ids) => deps.store.orders.pendingUnits(ids),
        lockMs: Math.max(1_000, deps.intervalMs - 1_000),
      });
      if (reset) deps.logger.debug({ reset }, 'sale gate reconciled');
    },
  });
}

/** Ends orders whose time is up (see expireOrders): the one owner of an order's expiry. */
export function startOrderExpirer(deps: OutcomeDeps & { store: OrderDb; intervalMs: number; graceMs: number }): Loop {
  return startLoop({
    name: 'order-expiry',
    intervalMs: deps.intervalMs,
    logger: deps.logger,
    tick: async () => {
      const expired = await expireOrders(deps.store, deps, new Date(), deps.graceMs, 100);
      if (expired) deps.logger.info({ expired }, 'orders past their expiry expired');
      return expired >= 100;
    },
  });
}

export function startKeySweeper(deps: { store: OrderDb; logger: Logger; ttlHours: number }): Loop {
  return startLoop({ name: 'idempotency-sweep', intervalMs: 600_000, logger: deps.logger, tick: () => deps.store.idempotency.deleteExpired(deps.ttlHours) });
}
