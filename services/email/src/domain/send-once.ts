import type { MailContext, MailDraft } from './ports.js';
import type { Rendered } from './templates.js';

export interface SendOutcome {
  sent: boolean;
  /** An earlier attempt got as far as the SMTP conversation; its fate is unknown. */
  possibleResend: boolean;
}

/** The Message-ID is a function of the event, so every attempt for one event sends the same message. */
export const messageIdFor = (eventId: string, kind: string, domain: string): string => `<${eventId}.${kind}@${domain}>`;

/**
 * Sends the mail for one event at most once as far as this service can tell, and at least
 * once, with a small window of doubt that SMTP (which has no idempotency) cannot close:
 *
 *   1. record the attempt and COMMIT it (outside the consumer's transaction), so a crash
 *      after this point is visible on redelivery;
 *   2. talk SMTP, with the Message-ID fixed from the event id;
 *   3. mark the mail sent in the consumer's transaction, which commits with the inbox row.
 *
 * A duplicate delivery of the event is stopped earlier by the inbox (it blocks on the inbox
 * row until this transaction ends, then skips). Only a crash between the server's "250 OK"
 * and the commit in step 3 (one database round trip) leads to a resend, and that resend
 * carries the same Message-ID, so a receiving system or a person can recognise it.
 */
export async function sendOnce(ctx: MailContext, event: { id: string; type: string }, kind: string, to: string, content: Rendered): Promise<SendOutcome> {
  const draft: MailDraft = {
    eventId: event.id,
    eventType: event.type,
    kind,
    to,
    subject: content.subject,
    text: content.text,
    html: content.html,
    messageId: messageIdFor(event.id, kind, ctx.idDomain),
  };
  const mail = await ctx.journal.recordAttempt(draft);
  if (mail.status === 'sent') return { sent: false, possibleResend: false };
  try {
    const { response } = await ctx.mailer.send({ ...mail, attachments: content.attachments });
    await ctx.mails.markSent(mail.eventId, response);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await ctx.journal.markAttemptFailed(mail.eventId, message, mail.attempts >= ctx.maxAttempts).catch(() => {});
    throw err;
  }
  return { sent: true, possibleResend: mail.attempts > 1 };
}
