import type { EventData, EventType, Line } from '@shop/contracts';

/** What the domain needs from storage and the outbox. The data layer implements it per transaction. */

export type { Line };

export interface StockLevels {
  productId: string;
  available: number;
  reserved: number;
  sold: number;
  added: number;
  deletedAt: Date | null;
  updatedAt: Date;
}

export type ReservationStatus = 'held' | 'committed' | 'released' | 'expired' | 'rejected';

export interface Reservation {
  id: string;
  orderId: string;
  status: ReservationStatus;
  reason: string | null;
  rejectedProductIds: string[] | null;
  expiresAt: Date;
  lines: Line[];
}

export interface NewReservation {
  id: string;
  orderId: string;
  status: ReservationStatus;
  reason?: string;
  expiresAt: Date;
}

export interface StockStore {
  /** Inserts a stock row; false when the product already has one. */
  create(productId: string, initial: number): Promise<boolean>;
  markDeleted(productId: string): Promise<boolean>;
  /** available → reserved, only when enough is available; false otherwise. */
  take(productId: string, quantity: number): Promise<boolean>;
  /** reserved → available. */
  putBack(productId: string, quantity: number): Promise<void>;
  /** reserved → sold. */
  sell(productId: string, quantity: number): Promise<void>;
  /** available → sold, only when enough is available; false otherwise. */
  sellFromAvailable(productId: string, quantity: number): Promise<boolean>;
  find(productId: string): Promise<StockLevels | undefined>;
  /** Sets available and moves `added` by the same amount, so the row still adds up. */
  setAvailable(productId: string, available: number): Promise<StockLevels | undefined>;
}

export interface ReservationStore {
  /** Inserts the order's reservation; false when the order already has one. */
  claim(reservation: NewReservation): Promise<boolean>;
  /** With `lock`, holds the row until the transaction ends. */
  findByOrder(orderId: string, options?: { lock?: boolean }): Promise<Reservation | undefined>;
  addLines(reservationId: string, lines: Line[]): Promise<void>;
  setStatus(
    reservationId: string,
    status: ReservationStatus,
    extra?: { reason?: string; rejectedProductIds?: string[] },
  ): Promise<void>;
}

/** Events written here commit with the transaction's rows (and roll back with a savepoint). */
export interface Outbox {
  emit<T extends EventType>(type: T, data: EventData<T>): Promise<unknown>;
}

/** One database transaction's worth of stores. */
export interface InventoryTx {
  stock: StockStore;
  reservations: ReservationStore;
  outbox: Outbox;
  /**
   * Runs `work` on a savepoint: if it throws, everything it did through the `tx` it was
   * given is undone and the rest of the transaction lives on.
   */
  atomically<T>(work: (tx: InventoryTx) => Promise<T>): Promise<T>;
  /** Runs `fn` once the transaction has committed (metrics of what it did). */
  onCommit(fn: () => void): void;
}
