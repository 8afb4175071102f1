import type { DbOrTx } from '@shop/db';
import type { DropStore } from '../domain/drop-ports.js';
import type { DropRecord } from '../domain/drop-types.js';

export function dropRepository(db: DbOrTx): DropStore {
  return {
    insert: (drop) => insertDrop(db, drop),
    find: (dropId) => findDrop(db, dropId),
    markOpened: (dropId, at, preQueue) => markOpened(db, dropId, at, preQueue),
    preQueue: (dropId) => findPreQueue(db, dropId),
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
