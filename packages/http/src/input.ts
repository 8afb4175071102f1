import { z } from 'zod';
import { AppError } from '@shop/errors';

/**
 * The one rule for text from outside: no NUL byte. Postgres cannot store one in a text
 * column and refuses it with an error, which surfaced as a 500 on search, category and
 * product writes. Every request part that `defineRoute` validates goes through
 * `rejectNulBytes` first, and the OpenAPI document says so with this pattern.
 */
export const NUL_FREE_PATTERN = '^[^\\u0000]*$';

function findNul(value: unknown, path: string[]): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const hit = findNul(value[i], [...path, String(i)]);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const hit = key.includes('\u0000') ? [...path, key] : findNul(inner, [...path, key]);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Throws a 400 VALIDATION_FAILED naming where a NUL byte was found. */
export function rejectNulBytes(part: string, value: unknown): void {
  const at = findNul(value, []);
  if (!at) return;
  const path = at.join('.');
  throw new AppError('VALIDATION_FAILED', `${path || part}: must not contain NUL bytes`, {
    details: [{ path, message: 'must not contain NUL bytes', code: 'invalid_string', in: part }],
  });
}

/**
 * A query-string integer: digits only (no "1e3", "0x10" or " 7" as z.coerce would take),
 * documented as an integer with its bounds so clients and Schemathesis send real ones.
 */
export function queryInt(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,10}$/, 'a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .meta({ type: 'integer', minimum: min, maximum: max, pattern: undefined });
}

// What String.prototype.trim removes, spelled out so the document's pattern and the
// validator agree on it (a regex \s means other things in other languages).
const TRIMMED = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const NOT_BLANK_PATTERN = `^[^\\u0000]*[^\\u0000${TRIMMED}][^\\u0000]*$`;

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
}

/**
 * Free text from a client, bounded in characters (code points, as JSON Schema counts
 * them, not UTF-16 units). `trim`: surrounding whitespace is dropped, and a text that
 * is only whitespace counts as empty (refused when `min` is 1).
 */
export function text(bounds: { min?: number; max: number; trim?: boolean }) {
  const min = bounds.min ?? 0;
  const base = z.string().refine((s) => codePoints(s) <= bounds.max, `at most ${bounds.max} characters`);
  const trimmed = bounds.trim ? base.trim() : base;
  const checked = min > 0 ? trimmed.refine((s) => codePoints(s) >= min, min === 1 ? 'must not be empty' : `at least ${min} characters`) : trimmed;
  return checked.meta({
    ...(min > 0 ? { minLength: min } : {}),
    maxLength: bounds.max,
    pattern: bounds.trim && min > 0 ? NOT_BLANK_PATTERN : NUL_FREE_PATTERN,
  });
}

/** An email address as zod checks it; the document states zod's own pattern, not the looser `format: email`. */
export function emailAddress() {
  return z.email().max(254).meta({ format: undefined, pattern: z.regexes.email.source });
}

/**
 * A postal address as a client sends it: the HTTP input form of `Address` in
 * @shop/contracts, one for every service that takes one (a profile's shipping address,
 * an order's). Bounded, trimmed text; the country an upper-case ISO 3166-1 alpha-2 code.
 */
export const AddressInput = z.strictObject({
  line1: text({ min: 1, max: 200, trim: true }),
  line2: text({ max: 200, trim: true }).optional(),
  city: text({ min: 1, max: 100, trim: true }),
  region: text({ max: 100, trim: true }).optional(),
  postalCode: text({ min: 1, max: 20, trim: true }),
  country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code in upper case, e.g. DE'),
}).meta({ id: 'Address' });
