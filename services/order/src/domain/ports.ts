import type { Line } from './types.js';

/**
 * The sale gate: a fast counter of units per hot product, in front of Postgres.
 * `passed`: every line's units were taken (all or none); `sold_out`: some line had too few
 * and nothing was taken; `bypassed`: the gate could not decide (Redis away, stock unknown)
 * and nothing was taken, so the order goes on to inventory, which stays the judge.
 */
export type GateResult = { outcome: 'passed' } | { outcome: 'sold_out'; productId: string } | { outcome: 'bypassed'; why: string };

/**
 * The pre-check before any Postgres I/O: `known` if this (user, key) was ever claimed (a replay
 * must still find its order), `sold_out` if every line has a gate counter and some line has too
 * few units, else `go`. `unavailable` when Redis cannot answer: the normal path decides.
 */
export type PreCheck = { outcome: 'known' } | { outcome: 'go' } | { outcome: 'unavailable' } | { outcome: 'sold_out'; productId: string };

export interface StockGate {
  /** Reads only: takes no units. */
  preCheck(userId: string, idempotencyKey: string, lines: Line[]): Promise<PreCheck>;
  /**
   * Remembers that (user, key) is being claimed, for `ttlSeconds`; called BEFORE the key is
   * claimed in Postgres, so a retry racing the claim can never be answered `sold_out`.
   * Returns false when Redis could not record it (never throws).
   */
  markKey(userId: string, idempotencyKey: string, ttlSeconds: number): Promise<boolean>;
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
