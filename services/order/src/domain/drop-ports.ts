import type { AdmissionPass, DropRecord, DropState, TicketRead } from './drop-types.js';

/** A drop's definition and its frozen pre-queue, in Postgres (the source of truth). */
export interface DropStore {
  /** false when the product already has a live drop. */
  insert(drop: Omit<DropRecord, 'openedAt'>): Promise<boolean>;
  find(dropId: string): Promise<DropRecord | undefined>;
  /** Records the open once (every replica computes the same order, so whichever writes first is right). */
  markOpened(dropId: string, at: Date, preQueue: string[]): Promise<void>;
  /** The shuffled pre-queue of an opened drop; undefined before the open. */
  preQueue(dropId: string): Promise<string[] | undefined>;
}

export type ClaimOutcome = 'ok' | 'same' | 'used' | 'expired' | 'invalid';

/** The waiting room's live state (Redis): one atomic call per operation. */
export interface DropQueue {
  schedule(d: { id: string; productId: string; opensAt: Date; admitPerSecond: number; holdSeconds: number; seedHash: string }): Promise<void>;
  state(dropId: string): Promise<DropState | undefined>;
  ticket(dropId: string, userId: string, mode: 'join' | 'poll'): Promise<{ drop?: DropState; ticket?: TicketRead }>;
  preQueue(dropId: string): Promise<Array<{ userId: string; ticketId: string }> | undefined>;
  open(dropId: string, input: { seed: string; units: number; cap: number; orderedUsers: string[] }): Promise<boolean>;
  /** Marks the hold as taken by an order in flight under this idempotency key. */
  claim(dropId: string, userId: string, holdNo: number, idempotencyKey: string): Promise<ClaimOutcome>;
  /** The order committed with `ordered` units: the rest of the hold goes back at once. */
  settle(dropId: string, userId: string, holdNo: number, ordered: number): Promise<void>;
  /** The order was not created: the hold is the buyer's again. */
  release(dropId: string, userId: string, holdNo: number, idempotencyKey: string): Promise<void>;
  /** Units of an order that ended without a sale. */
  giveBack(dropId: string, units: number): Promise<void>;
}

/** Signs and verifies admission tokens (asymmetric: replicas verify with the public key). */
export interface AdmissionSigner {
  sign(pass: AdmissionPass): Promise<string>;
  /** The pass, or undefined for a bad signature, another audience, or an expired token. */
  verify(token: string): Promise<AdmissionPass | undefined>;
}

/** Which products are gated by a live drop, known in memory so a bot is refused before any I/O. */
export interface DropDirectory {
  dropForProduct(productId: string): string | undefined;
}
