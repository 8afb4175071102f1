import { decodeKeyset, encodeKeyset, isTimestamp, TIMESTAMP_SHAPES, type DbOrTx } from '@shop/db';
import type { OrderCursor, OrderPage } from '../domain/ports.js';
import { toViews, type OrderRow } from './order-rows.js';

// Cursors carry Postgres' own microsecond timestamp text, so keyset paging never skips a row
// that a millisecond JS Date would have rounded.
interface Cursor {
  at: string;
  id: string;
}

const isCursorAt = (at: string) => isTimestamp(at, TIMESTAMP_SHAPES.isoMicros);

/** Only what encodeKeyset wrote; anything else (a February 30th, an id of dashes) is no cursor, never a database error. */
function decodeCursor(raw: string): Cursor | undefined {
  const keyset = decodeKeyset(raw, isCursorAt);
  return keyset && { at: keyset[0], id: keyset[1] };
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
  const nextCursor = rows.length > query.limit && last ? encodeKeyset(last.cursor_at, last.id) : null;
  return { items: await toViews(db, page), nextCursor };
}
