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
  /** Marks it closed once; false when it was closed already (or does not exist). */
  close(dropId: string, at: Date): Promise<boolean>;
  /** Newest first, keyset-paginated (the cursor is the store's own, opaque to the domain). */
  list(query: { limit: number; cursor?: DropCursor }): Promise<{ items: DropRecord[]; nextCursor: string | null }>;
  /** undefined for anything `list` did not write. */
  parseCursor(raw: string): DropCursor | undefined;
}

/** A position in the list of drops, as the store made it (opaque here). */
export type DropCursor = { readonly __brand: 'DropCursor' };

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
  /** Admissions stop and every ticket reads CLOSED. */
  close(dropId: string): Promise<void>;
}

/**
 * The drop's state as this replica last read it (the ticker reads every live drop every 100 ms),
 * so a held poll can wait for a change without asking Redis.
 */
export interface DropWatch {
  /** The last reading; undefined when this replica does not watch the drop (yet). */
  latest(dropId: string): DropState | undefined;
  /** Resolves with the first reading that satisfies `until`, or the latest one after `ms` or on `signal`. */
  wait(dropId: string, until: (s: DropState) => boolean, ms: number, signal?: AbortSignal): Promise<DropState | undefined>;
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
