import type { Line } from './types.js';

/**
 * The sale gate: a fast counter of units per hot product, in front of Postgres.
 * `passed`: every line's units were taken (all or none); `sold_out`: some line had too few
 * and nothing was taken; `bypassed`: the gate could not decide (Redis away, stock unknown)
 * and nothing was taken, so the order goes on to inventory, which stays the judge.
 */
export type GateResult = { outcome: 'passed' } | { outcome: 'sold_out'; productId: string } | { outcome: 'bypassed'; why: string };

export interface StockGate {
  take(lines: Line[]): Promise<GateResult>;
  /** Puts units back after an order that passed the gate ends without a sale. Never throws. */
  giveBack(lines: Line[]): Promise<void>;
}

/** Units inventory can still sell, as its own API reports them; undefined when unknown. */
export interface StockSource {
  available(productId: string): Promise<number | undefined>;
}

/** The caller's cart (items only); throws AppError 503 when the cart service is unreachable. */
export interface CartSource {
  items(authorization: string): Promise<Line[]>;
}

/** Something that publishes committed outbox rows soon. */
export interface RelayKick {
  kick(): void;
}

/** What the reconciler needs from the gate besides take/give-back. */
export interface GateAdmin {
  trackedProducts(): Promise<string[]>;
  reset(productId: string, units: number): Promise<void>;
  tryLock(ms: number): Promise<boolean>;
}
