import type { GateAdmin, StockSource } from './ports.js';

export interface ReconcileDeps {
  gate: GateAdmin;
  stock: StockSource;
  /** Units in this service's PENDING orders, per product. */
  pendingUnits: (productIds: string[]) => Promise<Map<string, number>>;
  lockMs: number;
}

/**
 * Resets a gate counter to what inventory can still sell when the product is quiet (no
 * PENDING order of ours for it), and on a busy product lowers a counter that is above it. While orders are in flight, inventory's figure
 * already excludes the ones it has reserved and we cannot tell which those are, so
 * "available minus PENDING" would count them twice and refuse units that are for sale
 * (a drop of 1,000 left 93 unsold that way). Drift on a busy product heals through the
 * give-backs and the next quiet run. An order that passed the gate but has not committed
 * yet can still make a counter too high; that costs a rejection at inventory, never a sale
 * of a unit inventory does not have. Returns how many counters were reset.
 */
export async function reconcileGate(deps: ReconcileDeps): Promise<number> {
  if (!(await deps.gate.tryLock(deps.lockMs))) return 0;
  const products = await deps.gate.trackedProducts();
  if (products.length === 0) return 0;
  const pending = await deps.pendingUnits(products);
  let reset = 0;
  for (const productId of products) {
    const available = await deps.stock.available(productId);
    if (available === undefined) continue;
    // Busy: inventory's figure already excludes what it reserved, and the PENDING orders it has
    // not reached yet hold gate units it still counts; so a counter above `available` is too
    // high whatever is in flight, and lowering it to `available` can never refuse a sellable unit.
    if ((pending.get(productId) ?? 0) > 0) await deps.gate.lower(productId, available);
    else await deps.gate.reset(productId, available);
    reset++;
  }
  return reset;
}
