import type { Tx } from '@shop/db';
import { makeEvent, type EventData, type EventType } from '@shop/contracts';
import { enqueueEvent } from '@shop/messaging';

export interface EventMeta {
  source: string;
  correlationId: string;
}

/** Writes an event to the outbox in the caller's transaction: it commits with the business rows or not at all. */
export async function emit<T extends EventType>(trx: Tx, type: T, data: EventData<T>, meta: EventMeta): Promise<void> {
  await enqueueEvent(trx, makeEvent(type, data, meta));
}

/** Runs `fn` once the transaction has committed (never if it rolls back). */
export function afterCommit(trx: Tx, fn: () => unknown): void {
  trx.executionPromise.then(
    () => fn(),
    () => undefined,
  );
}
