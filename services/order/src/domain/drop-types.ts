/** A drop as Postgres keeps it: what it is, not how the queue stands. */
export interface DropRecord {
  id: string;
  productId: string;
  opensAt: Date;
  admitPerSecond: number;
  holdSeconds: number;
  seed: string;
  seedHash: string;
  openedAt: Date | null;
  /** Set once an admin closed it (the drop is then over for good). */
  closedAt?: Date | null;
}

export const DropStatuses = ['SCHEDULED', 'OPEN', 'SOLD_OUT', 'CLOSED'] as const;
export type DropStatus = (typeof DropStatuses)[number];

export const TicketStates = ['WAITING', 'ADMITTED', 'SOLD_OUT', 'EXPIRED', 'CLOSED'] as const;
export type TicketState = (typeof TicketStates)[number];

/** How the queue stands, as one Redis script read it. */
export interface DropState {
  status: DropStatus;
  productId: string;
  admitPerSecond: number;
  opensAt: number;
  queueLength: number;
  admitted: number;
  /** Units not yet in an order; null before the open (counted at the open). */
  unitsLeft: number | null;
  holds: number;
  seed?: string;
}

/** The raw ticket, as the queue script returns it. */
export interface TicketRead {
  drop: DropState;
  ticketId: string;
  /** Join number (1, 2, ...): the arrival order the server saw. */
  joinNo: number;
  preQueue: boolean;
  /** W waiting, A admitted (hold active), C claimed by an order in flight, O ordered, E expired. */
  raw: 'W' | 'A' | 'C' | 'O' | 'E';
  position: number | null;
  hold?: { number: number; quantity: number; expiresAt: number };
  now: number;
}

/** A verified admission token: who may order how many units of which product. */
export interface AdmissionPass {
  dropId: string;
  productId: string;
  userId: string;
  holdNo: number;
  quantity: number;
  expiresAt: number;
}
