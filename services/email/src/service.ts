import { composeService, type PlatformOverrides } from '@shop/service';
import { createApp } from './app.js';
import type { EmailConfig } from './config.js';
import { SmtpMailer } from './mail/smtp-mailer.js';
import type { ConsumerDeps } from './messaging/mail-context.js';
import { consumeOrderMails } from './messaging/order-mails.consumer.js';
import { consumeUserEvents } from './messaging/user-events.consumer.js';

/** The composition root shared by main.ts and the component tests (the start-up is @shop/service). */
export function buildService(config: EmailConfig, options: PlatformOverrides = {}) {
  return composeService({
    config,
    outbox: false,
    // Each message in flight holds two connections while it sends (inbox transaction + journal).
    db: { poolMax: Math.max(config.DATABASE_POOL_MAX, 4 * config.MAIL_CONCURRENCY + 2) },
    overrides: options,
    wire: (p) => {
      const mailer = new SmtpMailer(config.SMTP_URL, config.MAIL_FROM, config.SMTP_TIMEOUT_MS);
      const deps: ConsumerDeps = {
        db: p.db,
        mailer,
        logger: p.logger,
        retryDelaysMs: config.MAIL_RETRY_DELAYS_MS,
        concurrency: config.MAIL_CONCURRENCY,
        idDomain: config.MAIL_ID_DOMAIN,
      };
      return {
        consumers: [consumeUserEvents(p.broker, deps), consumeOrderMails(p.broker, deps)],
        closers: [async () => mailer.close()],
        app: createApp(p),
      };
    },
  });
}

export type EmailService = ReturnType<typeof buildService>;
