import type { Db } from '@shop/db';

const MAX_BATCH = 256;

interface Pending {
  userId: string;
  key: string;
  resolve: (found: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * Whether (user, key) has a row in idempotency_keys, asked in batches: the lookups of one turn
 * of the event loop (at most 256) go to Postgres as one query on the primary key, so a crowd of
 * sold-out answers costs Postgres one round trip per batch instead of one per request.
 */
export function idempotencyProbe(db: Db): (userId: string, key: string) => Promise<boolean> {
  let queue: Pending[] = [];
  let scheduled = false;

  async function flush(batch: Pending[]): Promise<void> {
    try {
      const pairs = batch.map((p) => [p.userId, p.key]);
      const rows: Array<{ user_id: string; key: string }> = await db('idempotency_keys').select('user_id', 'key').whereIn(['user_id', 'key'], pairs);
      const found = new Set(rows.map((r) => `${r.user_id} ${r.key}`));
      for (const p of batch) p.resolve(found.has(`${p.userId} ${p.key}`));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  function drain(): void {
    scheduled = false;
    const all = queue;
    queue = [];
    for (let i = 0; i < all.length; i += MAX_BATCH) void flush(all.slice(i, i + MAX_BATCH));
  }

  return (userId, key) =>
    new Promise<boolean>((resolve, reject) => {
      queue.push({ userId, key, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(drain);
      }
    });
}
