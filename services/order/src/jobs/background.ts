import type { Db } from '@shop/db';
import type { Logger } from '@shop/logger';
import { deleteExpiredKeys } from '../data/idempotency.repository.js';
import { chargeNextPayment, type ChargeDeps } from '../domain/charge-payment.js';
import { reconcileGate } from '../domain/reconcile-gate.js';
import type { GateAdmin, StockSource } from '../domain/ports.js';
import { startLoop, type Loop } from './loop.js';

const PARALLEL_CHARGES = 8;
const MAX_PER_TICK = 200;

/** Charges due payment attempts, several at once; kicked after a reservation commits. */
export function startPaymentWorker(deps: ChargeDeps, intervalMs = 500): Loop {
  const lane = async () => {
    for (let i = 0; i < MAX_PER_TICK && (await chargeNextPayment(deps)); i++);
  };
  return startLoop({
    name: 'payments',
    intervalMs,
    logger: deps.logger,
    tick: () => Promise.all(Array.from({ length: PARALLEL_CHARGES }, lane)),
  });
}

export function startGateReconciler(deps: { db: Db; gate: GateAdmin; stock: StockSource; logger: Logger; intervalMs: number }): Loop {
  return startLoop({
    name: 'gate-reconcile',
    intervalMs: deps.intervalMs,
    logger: deps.logger,
    tick: async () => {
      const reset = await reconcileGate({ ...deps, lockMs: Math.max(1_000, deps.intervalMs - 1_000) });
      if (reset) deps.logger.debug({ reset }, 'sale gate reconciled');
    },
  });
}

export function startKeySweeper(deps: { db: Db; logger: Logger; ttlHours: number }): Loop {
  return startLoop({ name: 'idempotency-sweep', intervalMs: 600_000, logger: deps.logger, tick: () => deleteExpiredKeys(deps.db, deps.ttlHours) });
}
