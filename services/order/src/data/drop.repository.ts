import type { DbOrTx } from '@shop/db';
import type { DropCursor, DropStore } from '../domain/drop-ports.js';
import type { DropRecord } from '../domain/drop-types.js';

export function dropRepository(db: DbOrTx): DropStore {
  return {
    insert: (drop) => insertDrop(db, drop),
    find: (dropId) => findDrop(db, dropId),
    markOpened: (dropId, at, preQueue) => markOpened(db, dropId, at, preQueue),
    preQueue: (dropId) => findPreQueue(db, dropId),
    close: (dropId, at) => closeDrop(db, dropId, at),
    list: (query) => listDrops(db, query),
    parseCursor: parseDropCursor,
  };
}

interface DropRow {
  id: string;
  product_id: string;
  opens_at: Date;
  admit_per_second: number;
  hold_seconds: number;
  seed: string;
  seed_hash: string;
  opened_at: Date | null;
  closed_at: Date | null;
}

const toRecord = (r: DropRow): DropRecord => ({
  id: r.id,
  productId: r.product_id,
  opensAt: r.opens_at,
  admitPerSecond: r.admit_per_second,
  holdSeconds: r.hold_seconds,
  seed: r.seed,
  seedHash: r.seed_hash,
  openedAt: r.opened_at,
  closedAt: r.closed_at,
});

/** Inserts a drop; false when the product already has a live one (the partial unique index). */
async function insertDrop(db: DbOrTx, d: Omit<DropRecord, 'openedAt'>): Promise<boolean> {
  const rows = await db('drops')
    .insert({
      id: d.id,
      product_id: d.productId,
      opens_at: d.opensAt,
      admit_per_second: d.admitPerSecond,
      hold_seconds: d.holdSeconds,
      seed: d.seed,
      seed_hash: d.seedHash,
    })
    .onConflict(db.raw('(product_id) WHERE closed_at IS NULL'))
    .ignore()
    .returning('id');
  return rows.length === 1;
}

async function findDrop(db: DbOrTx, id: string): Promise<DropRecord | undefined> {
  const row = (await db('drops').where({ id }).first()) as DropRow | undefined;
  return row && toRecord(row);
}

/** Every drop not closed: what the order path gates and what the opener schedules. */
export async function liveDrops(db: DbOrTx): Promise<DropRecord[]> {
  const rows = (await db('drops').whereNull('closed_at')) as DropRow[];
  return rows.map(toRecord);
}

/** Closes once: the partial unique index then lets the product have a new drop. */
async function closeDrop(db: DbOrTx, id: string, at: Date): Promise<boolean> {
  return (await db('drops').where({ id }).whereNull('closed_at').update({ closed_at: at })) === 1;
}

// Keyset paging on (created_at, id), the cursor carrying Postgres' microsecond text (as the order list does).
const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
interface Cursor {
  at: string;
  id: string;
}

/** Only what the list wrote; anything else is no cursor (400 at the route), never a database error. */
function parseDropCursor(raw: string): DropCursor | undefined {
  const m = CURSOR.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!m) return undefined;
  const millis = `${m[1].slice(0, 23)}Z`;
  if (Number.isNaN(Date.parse(millis)) || new Date(millis).toISOString() !== millis) return undefined;
  return { at: m[1], id: m[2] } as Cursor as unknown as DropCursor;
}

async function listDrops(db: DbOrTx, query: { limit: number; cursor?: DropCursor }): Promise<{ items: DropRecord[]; nextCursor: string | null }> {
  const cursor = query.cursor as unknown as Cursor | undefined;
  const q = db('drops')
    .select('*', db.raw(`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at`))
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(query.limit + 1);
  if (cursor) q.whereRaw('(created_at, id) < (?::timestamptz, ?::uuid)', [cursor.at, cursor.id]);
  const rows = (await q) as Array<DropRow & { cursor_at: string }>;
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > query.limit && last ? Buffer.from(`${last.cursor_at}|${last.id}`, 'utf8').toString('base64url') : null;
  return { items: page.map(toRecord), nextCursor };
}

/** Records the open once (both replicas compute the same order, so whichever writes first is right). */
async function markOpened(db: DbOrTx, id: string, at: Date, preQueue: string[]): Promise<void> {
  await db('drops').where({ id }).whereNull('opened_at').update({ opened_at: at, pre_queue: JSON.stringify(preQueue) });
}

/** The shuffled pre-queue of an opened drop; undefined before the open. */
async function findPreQueue(db: DbOrTx, id: string): Promise<string[] | undefined> {
  const row = await db('drops').where({ id }).whereNotNull('opened_at').first('pre_queue');
  return row ? (row.pre_queue as string[]) : undefined;
}

export async function findSigningKey(db: DbOrTx): Promise<{ kid: string; privateJwk: Record<string, unknown> } | undefined> {
  const row = await db('drop_signing_keys').orderBy('created_at').first();
  return row ? { kid: row.kid, privateJwk: row.private_jwk } : undefined;
}

/** First writer wins; every replica then reads the same key back. */
export async function insertSigningKey(db: DbOrTx, kid: string, privateJwk: Record<string, unknown>): Promise<void> {
  await db('drop_signing_keys').insert({ kid, private_jwk: privateJwk }).onConflict('kid').ignore();
}
