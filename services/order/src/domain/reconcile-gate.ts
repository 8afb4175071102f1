import type { Db } from '@shop/db';
import { pendingUnits } from '../data/order.repository.js';
import type { GateAdmin, StockSource } from './ports.js';

/**
 * Resets every gate counter to what inventory can still sell minus the units of orders that
 * passed the gate but that inventory has not reserved yet (PENDING). Drift from lost
 * give-backs or a Redis restart heals here. A reservation racing this can make one counter
 * briefly too high or too low: too high costs a rejection at inventory, too low a refusal
 * until the next run. Returns how many counters were reset (0 if another replica holds the lock).
 */
export async function reconcileGate(deps: { db: Db; gate: GateAdmin; stock: StockSource; lockMs: number }): Promise<number> {
  if (!(await deps.gate.tryLock(deps.lockMs))) return 0;
  const products = await deps.gate.trackedProducts();
  if (products.length === 0) return 0;
  const pending = await pendingUnits(deps.db, products);
  let reset = 0;
  for (const productId of products) {
    const available = await deps.stock.available(productId);
    if (available === undefined) continue;
    await deps.gate.reset(productId, available - (pending.get(productId) ?? 0));
    reset++;
  }
  return reset;
}
