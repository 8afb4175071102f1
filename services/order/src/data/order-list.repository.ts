import type { DbOrTx } from '@shop/db';
import type { OrderCursor, OrderPage } from '../domain/ports.js';
import { toViews, type OrderRow } from './order-rows.js';

// Cursors carry Postgres' own microsecond timestamp text, so keyset paging never skips a row
// that a millisecond JS Date would have rounded.
interface Cursor {
  at: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.at}|${c.id}`, 'utf8').toString('base64url');
}

const CURSOR_AT = /^(?!0000)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Only what encodeCursor writes; anything else (a February 30th, an id of dashes) is no cursor, never a database error. */
function decodeCursor(raw: string): Cursor | undefined {
  const parts = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (parts.length !== 2) return undefined;
  const [at, id] = parts;
  if (!CURSOR_AT.test(at) || !UUID.test(id)) return undefined;
  const millis = `${at.slice(0, 23)}Z`;
  if (new Date(millis).toISOString() !== millis) return undefined;
  return { at, id };
}

/** The domain holds a cursor without looking inside it. */
export const parseCursor = (raw: string): OrderCursor | undefined => decodeCursor(raw) as OrderCursor | undefined;

/** Newest first; `userId` undefined lists everybody's orders (admin). */
export async function listOrders(db: DbOrTx, query: { userId?: string; limit: number; cursor?: OrderCursor }): Promise<OrderPage> {
  const cursor = query.cursor as Cursor | undefined;
  const q = db('orders')
    .select('*', db.raw(`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at`))
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(query.limit + 1);
  if (query.userId) q.where('user_id', query.userId);
  if (cursor) q.whereRaw('(created_at, id) < (?::timestamptz, ?::uuid)', [cursor.at, cursor.id]);
  const rows = (await q) as Array<OrderRow & { cursor_at: string }>;
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > query.limit && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null;
  return { items: await toViews(db, page), nextCursor };
}
