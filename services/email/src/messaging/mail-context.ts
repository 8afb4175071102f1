import type { Event, EventType } from '@shop/contracts';
import type { Db, Tx } from '@shop/db';
import type { Logger } from '@shop/logger';
import { byType, type Broker, type Subscription } from '@shop/messaging';
import { mailRepository } from '../data/mail.repository.js';
import { recipientRepository } from '../data/recipient.repository.js';
import type { MailContext, Mailer } from '../domain/ports.js';
import type { SendOutcome } from '../domain/send-once.js';

export interface ConsumerDeps {
  db: Db;
  mailer: Mailer;
  logger: Logger;
  retryDelaysMs: number[];
  concurrency: number;
  idDomain: string;
}

/** The journal writes through the pool (they must commit now); the rest rides the inbox transaction. */
function mailContext(deps: ConsumerDeps, trx: Tx): MailContext {
  return {
    journal: mailRepository(deps.db),
    mails: mailRepository(trx),
    recipients: recipientRepository(trx),
    mailer: deps.mailer,
    maxAttempts: deps.retryDelaysMs.length + 1,
    idDomain: deps.idDomain,
  };
}

type MailHandlers<T extends EventType> = { [K in T]: (event: Event<K>, ctx: MailContext) => Promise<SendOutcome | void> };

/** One queue of mail-worthy events: a typed handler per event type, inside the inbox transaction; sends are logged. */
export function consumeMailEvents<T extends EventType>(
  broker: Broker,
  deps: ConsumerDeps,
  queue: string,
  handlers: MailHandlers<T>,
  retiredEvents: EventType[] = [],
): Subscription {
  const dispatch = byType(handlers);
  return broker.consume({
    queue,
    events: Object.keys(handlers) as T[],
    retiredEvents,
    db: deps.db,
    retryDelaysMs: deps.retryDelaysMs,
    prefetch: deps.concurrency,
    handle: async (event, trx) => {
      const outcome = await dispatch(event, mailContext(deps, trx));
      if (outcome) logOutcome(deps.logger, event, outcome);
    },
  });
}

function logOutcome(logger: Logger, event: { id: string; type: string }, outcome: SendOutcome): void {
  if (outcome.possibleResend) {
    logger.warn({ eventId: event.id, type: event.type }, 'mail sent again after an earlier attempt of unknown outcome (same Message-ID)');
  } else if (outcome.sent) {
    logger.info({ eventId: event.id, type: event.type }, 'mail sent');
  }
}
