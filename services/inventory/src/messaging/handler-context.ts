import type { Tx } from '@shop/db';
import type { Logger } from '@shop/logger';
import type { EventEnvelope } from '@shop/contracts';
import { inventoryTx } from '../data/inventory-tx.js';
import type { InventoryTx } from '../domain/ports.js';

export interface ConsumerDeps {
  /** The `source` of events this instance writes. */
  source: string;
  logger: Logger;
  reservationTtlSeconds: number;
  /** Called once a transaction that wrote to the outbox has committed (kicks the relay). */
  onOutboxCommit: () => void;
  now?: () => Date;
}

/** The domain's transaction for one message; events it writes carry the message's correlation id. */
export function txFor(deps: ConsumerDeps, event: EventEnvelope, trx: Tx): InventoryTx {
  // executionPromise settles when processOnce commits or rolls back; only a commit has news.
  trx.executionPromise.then(deps.onOutboxCommit, () => {});
  return inventoryTx(trx, { source: deps.source, correlationId: event.correlationId });
}
