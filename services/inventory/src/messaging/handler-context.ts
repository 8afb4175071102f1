import type { Tx } from '@shop/db';
import type { Logger } from '@shop/logger';
import type { EventEnvelope } from '@shop/contracts';
import type { UnitOfWork } from '@shop/messaging';
import { inventoryTx } from '../data/inventory-tx.js';
import type { InventoryTx } from '../domain/ports.js';

export interface ConsumerDeps {
  /** Writes events with the business rows and kicks the relay after the inbox commits. */
  uow: UnitOfWork;
  logger: Logger;
  reservationTtlSeconds: number;
  now?: () => Date;
}

/** The domain's transaction for one message (the inbox's); events it writes carry the message's correlation id. */
export function txFor(deps: ConsumerDeps, event: EventEnvelope, trx: Tx): InventoryTx {
  return inventoryTx(deps.uow.join(trx, { correlationId: event.correlationId }));
}
