import { randomUUID } from 'node:crypto';
import { AppError } from '@shop/errors';
import { SHUFFLE_ALGORITHM, newSeed } from './drop-fairness.js';
import type { AdmissionSigner, DropQueue, DropStore, DropWatch } from './drop-ports.js';
import type { ProductStore } from './ports.js';
import type { DropRecord, DropState, TicketRead, TicketState } from './drop-types.js';

export interface DropDeps {
  records: DropStore;
  products: ProductStore;
  queue: DropQueue;
  signer: AdmissionSigner;
  /** Tells every replica (and this one's opener) that a drop was created or closed. */
  announce(drop: DropRecord): Promise<void>;
  /** This replica's reading of each live drop (the ticker); without it nobody is told to long-poll. */
  watch?: DropWatch;
  /** heldPollMs: the longest a held poll waits, from when the edge sent it (config DROP_HELD_POLL_MS, bounded by the edge's timeout). */
  settings: { pollMinMs: number; pollMaxMs: number; heldPollMs: number };
  random?: () => number;
  now?: () => number;
}

/** Tickets this many seconds of admissions from the head poll their ticket; those further back long-poll. */
const NEAR_SECONDS = 3;
const nearOf = (rate: number) => Math.max(10, Math.ceil(NEAR_SECONDS * rate));

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
  longPoll: boolean;
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
  // A closed drop whose keys expired: its definition is all that is left.
  if (record.closedAt) return { record, state: closedState(record) };
  await deps.queue.schedule(record);
  return { record, state: await deps.queue.state(dropId) };
}

function closedState(r: DropRecord): DropState {
  return { status: 'CLOSED', productId: r.productId, admitPerSecond: r.admitPerSecond, opensAt: r.opensAt.getTime(), queueLength: 0, admitted: 0, unitsLeft: null, holds: 0, ...(r.openedAt ? { seed: r.seed } : {}) };
}

export async function readDrop(deps: DropDeps, dropId: string): Promise<DropView | undefined> {
  const [{ state }, record] = await Promise.all([liveState(deps, dropId), findDropCached(deps, dropId)]);
  if (!state || !record) return undefined;
  return dropView(record, state);
}

function dropView(record: DropRecord, state: DropState): DropView {
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
  return ticketView(deps, dropId, userId, await readTicket(deps, dropId, userId, mode));
}

async function readTicket(deps: DropDeps, dropId: string, userId: string, mode: 'join' | 'poll'): Promise<TicketRead> {
  let read = await deps.queue.ticket(dropId, userId, mode);
  if (!read.drop) {
    // Redis lost the drop (or it never existed): the one Postgres read of this path, rare by design.
    const { state } = await liveState(deps, dropId);
    if (!state) throw AppError.notFound('Drop');
    if (state.status === 'CLOSED') throw new AppError('DROP_CLOSED', 'This drop is closed');
    read = await deps.queue.ticket(dropId, userId, mode);
  }
  if (!read.ticket) {
    if (read.drop?.status === 'CLOSED') throw new AppError('DROP_CLOSED', 'This drop is closed');
    throw new AppError('NOT_IN_QUEUE', 'Join the queue first: POST /api/drops/:id/queue');
  }
  return read.ticket;
}

/**
 * The held poll of a ticket far from the head (`longPoll` in its last answer): one read, then
 * wait on this replica's ticker until the drop sells out or closes, the ticket's turn is near
 * (`nearOf(rate)` admissions away), or its time is up: `heldPollMs` (75-100%, jittered) after
 * `sentAt`, when the edge sent the request (X-Request-Start, @shop/http edgeSentAt), so time the
 * request spent queued at a busy replica is taken off the wait, not added to the answer.
 * Position only moves by admissions at the head, so `position - (admitted now - admitted then)`
 * is exact while the turn is not near: a sell-out, a close and a wait that ran out are all
 * answered from memory (thousands of held polls at once, no Redis call each, nothing between the
 * deadline and the answer); only a ticket whose turn came near reads Redis again.
 */
export async function waitTicket(deps: DropDeps, dropId: string, userId: string, held: { sentAt: number; signal?: AbortSignal }): Promise<TicketView> {
  const t = await readTicket(deps, dropId, userId, 'poll');
  const first = await ticketView(deps, dropId, userId, t);
  if (!first.longPoll || !deps.watch || t.position === null) return first;
  const random = deps.random ?? Math.random;
  const now = (deps.now ?? Date.now)();
  const ms = held.sentAt + Math.round(deps.settings.heldPollMs * (0.75 + 0.25 * random())) - now;
  if (ms <= 0) return first;
  const wakeAt = t.drop.admitted + t.position - nearOf(t.drop.admitPerSecond);
  const s = await deps.watch.wait(dropId, (x) => x.status !== 'OPEN' || x.admitted >= wakeAt, ms, held.signal);
  if (held.signal?.aborted) return first;
  if (s && s.admitted < wakeAt && (s.status === 'OPEN' || s.status === 'SOLD_OUT' || s.status === 'CLOSED')) {
    const position = t.position - Math.max(0, s.admitted - t.drop.admitted);
    return ticketView(deps, dropId, userId, { ...t, drop: s, position, now: t.now + ((deps.now ?? Date.now)() - now) });
  }
  return queueTicket(deps, dropId, userId, 'poll');
}

/** Admin: the drop ends for good. Idempotent (closing again answers the closed drop). */
export async function closeDrop(deps: DropDeps, dropId: string): Promise<DropView> {
  const record = await deps.records.find(dropId);
  if (!record) throw AppError.notFound('Drop');
  const closed = { ...record, closedAt: record.closedAt ?? new Date() };
  if (!record.closedAt) await deps.records.close(dropId, closed.closedAt);
  // Again on a repeated close: a close whose Redis step failed is finished by the next one.
  await deps.queue.close(dropId);
  await deps.announce(closed);
  return (await readDrop(deps, dropId))!;
}

/** Every drop, newest first; the live numbers from Redis (one status read each). */
export async function listDrops(deps: DropDeps, query: { limit: number; cursor?: string }): Promise<{ items: DropView[]; nextCursor: string | null }> {
  const cursor = query.cursor === undefined ? undefined : deps.records.parseCursor(query.cursor);
  if (query.cursor !== undefined && !cursor) throw AppError.badRequest('cursor: must be a nextCursor from a previous page');
  const page = await deps.records.list({ limit: query.limit, cursor });
  const items = await Promise.all(
    page.items.map(async (record) => {
      const state = record.closedAt ? ((await deps.queue.state(record.id)) ?? closedState(record)) : (await liveState(deps, record.id)).state;
      return dropView(record, state ?? closedState(record));
    }),
  );
  return { items, nextCursor: page.nextCursor };
}

async function ticketView(deps: DropDeps, dropId: string, userId: string, t: TicketRead): Promise<TicketView> {
  const random = deps.random ?? Math.random;
  const { pollMinMs, pollMaxMs } = deps.settings;
  const drop = t.drop;
  const rate = Math.max(1, drop.admitPerSecond);
  // Jitter: 75-100% of the interval, so a crowd that polled together spreads out.
  const jitter = (ms: number) => Math.round(ms * (0.75 + 0.25 * random()));
  const base = { ticketId: t.ticketId, joinNo: t.joinNo, preQueue: t.preQueue, longPoll: false };

  if (drop.status === 'CLOSED' && (t.raw === 'W' || t.raw === 'A')) {
    // Final: nothing more will happen to this ticket (an unused hold is void; the product is no longer gated).
    return { ...base, state: 'CLOSED', position: null, etaSeconds: null, pollAfterMs: 60_000 };
  }
  if (t.raw === 'W') {
    if (drop.status === 'SOLD_OUT') {
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
    // Far from the head: hold the next poll open until something changes (waitTicket), if this replica watches the drop.
    if (t.position !== null && t.position > nearOf(rate) && deps.watch?.latest(dropId)) {
      return { ...base, state: 'WAITING', position: t.position, etaSeconds: eta, pollAfterMs: 50 + Math.round(200 * random()), longPoll: true };
    }
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
