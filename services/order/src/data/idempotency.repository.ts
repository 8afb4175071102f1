import { randomUUID } from 'node:crypto';
import type { DbOrTx, Tx } from '@shop/db';
import type { Claim, IdempotencyStore } from '../domain/ports.js';
import type { IdempotencyRecord } from '../domain/types.js';

interface IdempotencyRow {
  user_id: string;
  key: string;
  request_hash: string;
  state: 'in_flight' | 'done';
  response_status: number | null;
  response_body: unknown;
  claim_token: string | null;
  created_at: Date;
}

export function idempotencyRepository(db: DbOrTx): IdempotencyStore {
  return {
    claim: (input) => claimKey(db, input),
    find: async (userId, key) => {
      const row = await db<IdempotencyRow>('idempotency_keys').where({ user_id: userId, key }).first();
      return row ? toRecord(row) : undefined;
    },
    complete: (userId, key, token, status, body) => completeKey(db, userId, key, token, status, body),
    release: (userId, key, token) => releaseKey(db, userId, key, token),
    deleteExpired: (ttlHours) => deleteExpiredKeys(db, ttlHours),
  };
}

/**
 * Claims (user, key) for this request. The insert's ON CONFLICT is the lock: of any number
 * of simultaneous requests exactly one claims the key. An in-flight row older than `staleMs`
 * (its request crashed, or stalled) or any row past the retention window may be taken over,
 * once. Each claim writes a fresh token: the stalled request's complete or release then finds
 * someone else's token and does nothing (a fence).
 */
async function claimKey(
  db: DbOrTx,
  input: { userId: string; key: string; hash: string; staleMs: number; ttlHours: number },
): Promise<Claim> {
  return withoutFlushWait(db, (trx) => claimIn(trx, input));
}

/**
 * Runs a claim or a release without waiting for its WAL flush (one fsync, ~6 ms here, less
 * per request). Nothing acknowledged can be lost by it: the order transaction that later uses
 * the claim commits synchronously, and flushing its commit record flushes every earlier WAL
 * record, this claim's included; a claim lost in a crash made no order and answered nothing.
 * A lost release leaves the key in flight until `staleMs`, then it is taken over.
 */
function withoutFlushWait<T>(db: DbOrTx, work: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (trx: Tx) => {
    await trx.raw('SET LOCAL synchronous_commit = off');
    return work(trx);
  });
}

async function claimIn(db: Tx, input: { userId: string; key: string; hash: string; staleMs: number; ttlHours: number }): Promise<Claim> {
  const where = { user_id: input.userId, key: input.key };
  const token = randomUUID();
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db('idempotency_keys')
      .insert({ ...where, request_hash: input.hash, state: 'in_flight', claim_token: token })
      .onConflict(['user_id', 'key'])
      .ignore()
      .returning('key');
    if (inserted.length > 0) return { claimed: true, token };
    const row = await db<IdempotencyRow>('idempotency_keys').where(where).first();
    if (!row) continue; // released by a failed request in between: try the insert again
    // The conditions are re-checked by the update itself, so only one request takes over.
    const taken = await db('idempotency_keys')
      .where(where)
      .where((q) =>
        q
          .where((a) => a.where('state', 'in_flight').whereRaw('created_at < now() - make_interval(secs => ?)', [input.staleMs / 1000]))
          .orWhereRaw('created_at < now() - make_interval(hours => ?)', [input.ttlHours]))
      .update({ request_hash: input.hash, state: 'in_flight', response_status: null, response_body: null, claim_token: token, created_at: db.fn.now() })
      .returning('key');
    if (taken.length > 0) return { claimed: true, token };
    return { claimed: false, record: toRecord(row) };
  }
  throw new Error('idempotency key kept changing under us');
}

function toRecord(row: IdempotencyRow): IdempotencyRecord {
  return { requestHash: row.request_hash, state: row.state, responseStatus: row.response_status, responseBody: row.response_body };
}

/**
 * The conditional update on the token is the fence: it row-locks the key, so a takeover racing
 * it either committed first (the token differs: 0 rows) or waits and then finds the key done.
 */
async function completeKey(trx: DbOrTx, userId: string, key: string, token: string, status: number, body: unknown): Promise<boolean> {
  const rows = await trx('idempotency_keys')
    .where({ user_id: userId, key, state: 'in_flight', claim_token: token })
    .update({ state: 'done', response_status: status, response_body: JSON.stringify(body) })
    .returning('key');
  return rows.length > 0;
}

/** Frees a key whose request created nothing, so the client may retry with it; never someone else's claim. */
async function releaseKey(db: DbOrTx, userId: string, key: string, token: string): Promise<void> {
  await withoutFlushWait(db, (trx) => trx('idempotency_keys').where({ user_id: userId, key, state: 'in_flight', claim_token: token }).delete());
}

async function deleteExpiredKeys(db: DbOrTx, ttlHours: number): Promise<number> {
  return db('idempotency_keys').where('created_at', '<', db.raw(`now() - make_interval(hours => ?)`, [ttlHours])).delete();
}
