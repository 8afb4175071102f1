import type { Knex } from 'knex';
import type { EventEnvelope } from '@shop/contracts';
import { setTaskStatuses } from './tasks.js';

type InboxEvent = Pick<EventEnvelope, 'id' | 'type'>;

const byId = (a: InboxEvent, b: InboxEvent) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The inbox: runs `effect` at most once per (consumer, event id). The inbox rows, the effect
 * and the tasks' completion commit together, so a consumer that dies after commit but before
 * its ack finds the rows on redelivery and does nothing. A concurrent duplicate blocks on the
 * primary key until the first commits, then sees the conflict. Rows are inserted sorted by id,
 * so two batches that share messages lock them in the same order.
 * `effect` gets the new events only, in the order given; resolves with their ids.
 */
export async function processEachOnce<E extends InboxEvent>(
  db: Knex,
  consumer: string,
  events: readonly E[],
  effect: (fresh: E[], trx: Knex.Transaction) => Promise<void>,
): Promise<Set<string>> {
  return db.transaction(async (trx) => {
    const inserted: Array<{ message_id: string }> = await trx('inbox')
      .insert([...events].sort(byId).map((e) => ({ consumer, message_id: e.id })))
      .onConflict(['consumer', 'message_id'])
      .ignore()
      .returning('message_id');
    const ids = new Set(inserted.map((r) => r.message_id));
    const fresh = events.filter((e) => ids.has(e.id));
    if (fresh.length > 0) {
      await effect(fresh, trx);
      const keys = fresh.map((e) => ({ consumer, messageId: e.id, eventType: e.type }));
      await setTaskStatuses(trx, keys, 'complete', { lastError: null });
    }
    return ids;
  });
}

/** processEachOnce for one event. Resolves true when the effect ran, false for a duplicate. */
export async function processOnce(
  db: Knex,
  input: { consumer: string; event: InboxEvent },
  effect: (trx: Knex.Transaction) => Promise<void>,
): Promise<boolean> {
  const ran = await processEachOnce(db, input.consumer, [input.event], (_fresh, trx) => effect(trx));
  return ran.size > 0;
}
