import type { Db, Tx } from '@shop/db';
import type { Logger } from '@shop/logger';
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
export function mailContext(deps: ConsumerDeps, trx: Tx): MailContext {
  return {
    journal: mailRepository(deps.db),
    mails: mailRepository(trx),
    recipients: recipientRepository(trx),
    mailer: deps.mailer,
    maxAttempts: deps.retryDelaysMs.length + 1,
    idDomain: deps.idDomain,
  };
}

export function logOutcome(logger: Logger, event: { id: string; type: string }, outcome: SendOutcome): void {
  if (outcome.possibleResend) {
    logger.warn({ eventId: event.id, type: event.type }, 'mail sent again after an earlier attempt of unknown outcome (same Message-ID)');
  } else if (outcome.sent) {
    logger.info({ eventId: event.id, type: event.type }, 'mail sent');
  }
}
