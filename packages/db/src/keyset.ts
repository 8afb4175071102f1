/**
 * Keyset-pagination cursors: opaque base64url text of the last row's sort key and id, handed
 * back by the client for the next page. A cursor is read only as what the API wrote; anything
 * else (an id of dashes, a February 30th, year 0, hour 25) is no cursor, so it never reaches
 * Postgres as a value it refuses: a 400, never a 500. Each service keeps its own error code.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/**
 * True when `text` is a timestamp of the one shape `shape` matches (its groups: year, month,
 * day, hours, minutes, seconds) and names an instant that exists: the calendar has that day,
 * the clock that time, and the year is not 0.
 */
export function isTimestamp(text: unknown, shape: RegExp): text is string {
  const m = typeof text === 'string' ? shape.exec(text) : null;
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const at = new Date(0);
  at.setUTCFullYear(y, mo - 1, d); // not Date.UTC, which reads years 0-99 as 1900-1999
  at.setUTCHours(h, mi, s);
  return y > 0 && at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d && at.getUTCHours() === h && at.getUTCMinutes() === mi && at.getUTCSeconds() === s;
}

/** The shapes the services write: toISOString (milliseconds), Postgres' to_char with microseconds, and `timestamptz::text`. */
export const TIMESTAMP_SHAPES = {
  isoMillis: /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.\d{3}Z$/,
  isoMicros: /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.\d{6}Z$/,
  postgresText: /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.\d{1,6})?[+-]\d\d(?::\d\d)?$/,
} as const;

/** A cursor of the last row's sort key and its uuid id. */
export const encodeKeyset = (key: string, id: string): string => Buffer.from(`${key}|${id}`, 'utf8').toString('base64url');

/** [key, id] of a cursor `encodeKeyset` wrote with a key `isKey` accepts; undefined for anything else. */
export function decodeKeyset(cursor: string, isKey: (key: string) => boolean): [string, string] | undefined {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== 2) return undefined;
  const [key, id] = parts;
  return isUuid(id) && isKey(key) ? [key, id] : undefined;
}
