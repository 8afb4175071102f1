import { describe, expect, it } from '@jest/globals';
import { reconcileGate } from '../src/domain/reconcile-gate.js';

/** A gate and a stock source in memory: the rule under test is pure arithmetic on their answers. */
function world(counters: Record<string, number>, available: Record<string, number | undefined>, pending: Record<string, number>) {
  return {
    counters,
    deps: {
      gate: {
        trackedProducts: async () => Object.keys(counters),
        reset: async (id: string, units: number) => void (counters[id] = units),
        lower: async (id: string, units: number) => void (counters[id] = Math.min(counters[id], units)),
        tryLock: async () => true,
      },
      stock: { available: async (id: string) => available[id] },
      pendingUnits: async () => new Map(Object.entries(pending)),
      lockMs: 1_000,
    },
  };
}

describe('reconcileGate', () => {
  it('when a product is quiet, then its counter becomes what inventory can sell', async () => {
    const { counters, deps } = world({ a: 0 }, { a: 7 }, {});
    expect(await reconcileGate(deps)).toBe(1);
    expect(counters.a).toBe(7);
  });

  it('when a product has PENDING orders and its counter is at most available, then it is left alone (no double subtraction, no undersell)', async () => {
    // Inventory has already reserved some of these 3 pending units: available 5 may or may not include them.
    const { counters, deps } = world({ a: 5, b: 1 }, { a: 5, b: 4 }, { a: 3 });
    await reconcileGate(deps);
    expect(counters).toEqual({ a: 5, b: 4 });
  });

  it('when a product has PENDING orders but its counter is above what inventory can sell, then it is lowered to that', async () => {
    // A flood after an excess: the gate says 40, inventory has 0 left; it must close.
    const { counters, deps } = world({ a: 40 }, { a: 0 }, { a: 12 });
    await reconcileGate(deps);
    expect(counters.a).toBe(0);
  });

  it('when inventory does not know a product, then its counter is left alone', async () => {
    const { counters, deps } = world({ a: 2 }, { a: undefined }, {});
    expect(await reconcileGate(deps)).toBe(0);
    expect(counters.a).toBe(2);
  });

  it('when another replica holds the lock, then nothing is reset', async () => {
    const { counters, deps } = world({ a: 0 }, { a: 9 }, {});
    expect(await reconcileGate({ ...deps, gate: { ...deps.gate, tryLock: async () => false } })).toBe(0);
    expect(counters.a).toBe(0);
  });
});
