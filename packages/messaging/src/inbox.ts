import type { Knex } from 'knex';
import type { EventEnvelope } from '@shop/contracts';
import { setTaskStatus } from './tasks.js';

/**
 * Runs `effect` at most once per (consumer, event id): the inbox row, the effect and the
 * task's completion commit together, so a consumer that dies after commit but before its
 * ack finds the row on redelivery and does nothing. A concurrent duplicate blocks on the
 * primary key until the first commits, then sees the conflict.
 * Resolves true when the effect ran, false for a duplicate.
 */
export async function processOnce(
  db: Knex,
  input: { consumer: string; event: Pick<EventEnvelope, 'id' | 'type'> },
  effect: (trx: Knex.Transaction) => Promise<void>,
): Promise<boolean> {
  const { consumer, event } = input;
  return db.transaction(async (trx) => {
    const inserted = await trx('inbox')
      .insert({ consumer, message_id: event.id })
      .onConflict(['consumer', 'message_id'])
      .ignore()
      .returning('message_id');
    if (inserted.length === 0) return false;
    await effect(trx);
    await setTaskStatus(trx, { consumer, messageId: event.id, eventType: event.type }, 'complete', { lastError: null });
    return true;
  });
}
