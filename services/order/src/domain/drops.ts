import { randomUUID } from 'node:crypto';
import { AppError } from '@shop/errors';
import { SHUFFLE_ALGORITHM, newSeed } from './drop-fairness.js';
import type { AdmissionSigner, DropQueue, DropStore } from './drop-ports.js';
import type { ProductStore } from './ports.js';
import type { DropRecord, DropState, TicketRead, TicketState } from './drop-types.js';

export interface DropDeps {
  records: DropStore;
  products: ProductStore;
  queue: DropQueue;
  signer: AdmissionSigner;
  /** Tells every replica (and this one's opener) that a drop was created. */
  announce(drop: DropRecord): Promise<void>;
  settings: { pollMinMs: number; pollMaxMs: number };
  random?: () => number;
}

export interface DropView {
  id: string;
  productId: string;
  status: DropState['status'];
  opensAt: string;
  admitPerSecond: number;
  holdSeconds: number;
  queueLength: number;
  admitted: number;
  unitsLeft: number | null;
  activeHolds: number;
  fairness: { algorithm: string; seedHash: string; seed: string | null };
}

export interface TicketView {
  ticketId: string;
  state: TicketState;
  position: number | null;
  etaSeconds: number | null;
  pollAfterMs: number;
  joinNo: number;
  preQueue: boolean;
  admission?: { number: number; quantity: number; expiresAt: string; token?: string; used: boolean };
}

export async function scheduleDrop(
  deps: DropDeps,
  input: { productId: string; opensAt: Date; admitPerSecond: number; holdSeconds: number },
): Promise<DropView> {
  const product = (await deps.products.find([input.productId])).get(input.productId);
  if (!product || product.deleted || product.status !== 'ACTIVE') {
    throw new AppError('UNKNOWN_PRODUCT', 'No sellable product with this id', { details: { productIds: [input.productId] } });
  }
  const { seed, seedHash } = newSeed();
  const drop: DropRecord = { id: randomUUID(), ...input, seed, seedHash, openedAt: null };
  if (!(await deps.records.insert(drop))) throw new AppError('DROP_EXISTS', 'This product already has a live drop');
  await deps.queue.schedule(drop);
  await deps.announce(drop);
  return (await readDrop(deps, drop.id))!;
}

/** Redis first (the live numbers); a drop Redis lost is scheduled there again from Postgres. */
async function liveState(deps: DropDeps, dropId: string): Promise<{ record?: DropRecord; state?: DropState }> {
  const state = await deps.queue.state(dropId);
  if (state) return { state };
  const record = await deps.records.find(dropId);
  if (!record) return {};
  await deps.queue.schedule(record);
  return { record, state: await deps.queue.state(dropId) };
}

export async function readDrop(deps: DropDeps, dropId: string): Promise<DropView | undefined> {
  const [{ state }, record] = await Promise.all([liveState(deps, dropId), findDropCached(deps, dropId)]);
  if (!state || !record) return undefined;
  return {
    id: record.id,
    productId: record.productId,
    status: state.status,
    opensAt: record.opensAt.toISOString(),
    admitPerSecond: record.admitPerSecond,
    holdSeconds: record.holdSeconds,
    queueLength: state.queueLength,
    admitted: state.admitted,
    unitsLeft: state.unitsLeft,
    activeHolds: state.holds,
    fairness: { algorithm: SHUFFLE_ALGORITHM, seedHash: record.seedHash, seed: state.seed ?? null },
  };
}

// The definition of a drop never changes once created: keep it in memory, so a status read is
// one Redis call (the answer is cached ~1 s at the edge on top).
const records = new Map<string, DropRecord>();
async function findDropCached(deps: DropDeps, dropId: string): Promise<DropRecord | undefined> {
  let r = records.get(dropId);
  if (!r) {
    r = await deps.records.find(dropId);
    if (r) records.set(dropId, { ...r, seed: '' });
  }
  return r;
}

/** Join (one ticket per account; again returns the same ticket) or poll. Never touches Postgres. */
export async function queueTicket(deps: DropDeps, dropId: string, userId: string, mode: 'join' | 'poll'): Promise<TicketView> {
  let read = await deps.queue.ticket(dropId, userId, mode);
  if (!read.drop) {
    // Redis lost the drop (or it never existed): the one Postgres read of this path, rare by design.
    const { state } = await liveState(deps, dropId);
    if (!state) throw AppError.notFound('Drop');
    read = await deps.queue.ticket(dropId, userId, mode);
  }
  if (!read.ticket) throw new AppError('NOT_IN_QUEUE', 'Join the queue first: POST /api/drops/:id/queue');
  return ticketView(deps, dropId, userId, read.ticket);
}

async function ticketView(deps: DropDeps, dropId: string, userId: string, t: TicketRead): Promise<TicketView> {
  const random = deps.random ?? Math.random;
  const { pollMinMs, pollMaxMs } = deps.settings;
  const drop = t.drop;
  const rate = Math.max(1, drop.admitPerSecond);
  // Jitter: 75-100% of the interval, so a crowd that polled together spreads out.
  const jitter = (ms: number) => Math.round(ms * (0.75 + 0.25 * random()));
  const base = { ticketId: t.ticketId, joinNo: t.joinNo, preQueue: t.preQueue };

  if (t.raw === 'W') {
    if (drop.status === 'SOLD_OUT' || drop.status === 'CLOSED') {
      // Units can come back (a cancelled or failed order): keep a slow poll going.
      return { ...base, state: 'SOLD_OUT', position: t.position, etaSeconds: null, pollAfterMs: jitter(10_000) };
    }
    if (drop.status === 'SCHEDULED') {
      const untilOpen = drop.opensAt - t.now;
      // The first poll after the open is spread over one second, not all at the same millisecond.
      const wait = untilOpen > pollMaxMs ? jitter(pollMaxMs) : Math.max(0, untilOpen) + Math.round(random() * 1_000);
      return { ...base, state: 'WAITING', position: null, etaSeconds: Math.max(0, Math.ceil(untilOpen / 1000)), pollAfterMs: wait };
    }
    const eta = t.position === null ? null : Math.ceil(t.position / rate);
    const wait = eta === null ? pollMaxMs : Math.min(pollMaxMs, Math.max(pollMinMs, (eta * 1000) / 2));
    return { ...base, state: 'WAITING', position: t.position, etaSeconds: eta, pollAfterMs: jitter(wait) };
  }
  const hold = t.hold!;
  const expiresAt = new Date(hold.expiresAt).toISOString();
  if (t.raw === 'E') {
    return { ...base, state: 'EXPIRED', position: null, etaSeconds: null, pollAfterMs: 60_000, admission: { number: hold.number, quantity: hold.quantity, expiresAt, used: false } };
  }
  const used = t.raw !== 'A';
  const admission: NonNullable<TicketView['admission']> = { number: hold.number, quantity: hold.quantity, expiresAt, used };
  if (!used) {
    admission.token = await deps.signer.sign({ dropId, productId: drop.productId, userId, holdNo: hold.number, quantity: hold.quantity, expiresAt: hold.expiresAt });
  }
  const untilExpiry = Math.max(1_000, hold.expiresAt - t.now);
  return { ...base, state: 'ADMITTED', position: null, etaSeconds: 0, pollAfterMs: jitter(Math.min(untilExpiry, 5_000)), admission };
}
