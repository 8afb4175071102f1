import type { Line } from './types.js';

/** What the sale gate lately said, in this replica's memory (gate/sold-out-board.ts). */
export interface SoldOutFlags {
  isSoldOut(productId: string, quantity: number): boolean;
}

export interface SoldOutDeps {
  flags: SoldOutFlags;
  /** The live drop of a product, if any: its orders go the admission way. */
  dropForProduct?: (productId: string) => string | undefined;
  /**
   * Whether (user, key) was ever claimed: the idempotency marker, then the key's own row. True
   * (or a throw) sends the request the full way, where the key replays, is refused as reused or
   * in flight, or runs again.
   */
  keyKnown(userId: string, key: string): Promise<boolean>;
}

/**
 * The sold-out answer without the sale gate's counter: the product that the gate would name
 * (the first line in the gate's order, by product id) is flagged sold out for that many units,
 * no line is on a live drop, and the key never made anything. Then the answer is what the full
 * path would give, 409 OUT_OF_STOCK for that product; returns its id. undefined: take the full
 * path (which also decides every sale: a flag can only refuse).
 */
export async function soldOutFromFlags(deps: SoldOutDeps, userId: string, key: string, lines: Line[]): Promise<string | undefined> {
  if (lines.length === 0) return undefined;
  if (deps.dropForProduct && lines.some((l) => deps.dropForProduct!(l.productId))) return undefined;
  const first = lines.reduce((a, b) => (b.productId.localeCompare(a.productId) < 0 ? b : a));
  if (!deps.flags.isSoldOut(first.productId, first.quantity)) return undefined;
  return (await deps.keyKnown(userId, key)) ? undefined : first.productId;
}
