import { decodeKeyset, encodeKeyset, isTimestamp, TIMESTAMP_SHAPES, type DbOrTx } from '@shop/db';
import { AppError } from '@shop/errors';
import type { Address, Profile, ProfilePatch } from '../domain/types.js';

interface ProfileRow {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  shipping_address: Address | null;
  created_at: Date;
  updated_at: Date;
  /** created_at as Postgres prints it: microseconds survive the round trip through a cursor. */
  created_key?: string;
}

const columns = ['id', 'email', 'name', 'phone', 'shipping_address', 'created_at', 'updated_at'];

function toProfile(row: ProfileRow): Profile {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    shippingAddress: row.shipping_address,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function findProfile(db: DbOrTx, id: string): Promise<Profile | undefined> {
  const row = (await db('profiles').select(columns).where({ id }).first()) as ProfileRow | undefined;
  return row ? toProfile(row) : undefined;
}

export async function findProfileByEmail(db: DbOrTx, email: string): Promise<Profile | undefined> {
  // lower(email): the expression profiles_email_idx is on.
  const row = (await db('profiles').select(columns).whereRaw('lower(email) = ?', [email.toLowerCase()]).first()) as ProfileRow | undefined;
  return row ? toProfile(row) : undefined;
}

/** Inserts, or does nothing if the id exists; returns the new row or undefined. */
export async function insertProfile(db: DbOrTx, p: Omit<Profile, 'createdAt' | 'updatedAt'>): Promise<Profile | undefined> {
  const rows = await db('profiles')
    .insert({ id: p.id, email: p.email, name: p.name, phone: p.phone, shipping_address: p.shippingAddress === null ? null : JSON.stringify(p.shippingAddress) })
    .onConflict('id')
    .ignore()
    .returning(columns);
  return rows[0] ? toProfile(rows[0] as ProfileRow) : undefined;
}

export async function updateProfileRow(db: DbOrTx, id: string, patch: ProfilePatch): Promise<Profile | undefined> {
  const changes: Record<string, unknown> = { updated_at: db.fn.now() };
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.phone !== undefined) changes.phone = patch.phone;
  if (patch.shippingAddress !== undefined) changes.shipping_address = patch.shippingAddress === null ? null : JSON.stringify(patch.shippingAddress);
  const rows = await db('profiles').where({ id }).update(changes).returning(columns);
  return rows[0] ? toProfile(rows[0] as ProfileRow) : undefined;
}

/** Only what this API wrote (created_at::text and the id); anything else (an id of dashes, a February 30th) is INVALID_CURSOR, never a database error. */
function decodeCursor(cursor: string): [string, string] {
  const keyset = decodeKeyset(cursor, (ts) => isTimestamp(ts, TIMESTAMP_SHAPES.postgresText));
  if (!keyset) throw AppError.badRequest('cursor is not one this API returned', undefined, 'INVALID_CURSOR');
  return keyset;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listProfileRows(db: DbOrTx, limit: number, cursor?: string): Promise<{ items: Profile[]; nextCursor: string | null }> {
  const query = db('profiles')
    .select([...columns, db.raw('created_at::text as created_key')])
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit + 1);
  if (cursor) {
    const [ts, id] = decodeCursor(cursor);
    query.whereRaw('(created_at, id) < (?::timestamptz, ?::uuid)', [ts, id]);
  }
  const rows = (await query) as unknown as ProfileRow[];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last ? encodeKeyset(String(last.created_key), last.id) : null;
  return { items: page.map(toProfile), nextCursor };
}
