import type { DbOrTx } from '@shop/db';
import type { MailDraft, MailRecord, MailRepository, MailStatus } from '../domain/ports.js';

export interface MailRow {
  seq: number;
  event_id: string;
  event_type: string;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  message_id: string;
  status: MailStatus;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
}

const toRecord = (r: MailRow): MailRecord => ({
  eventId: r.event_id,
  eventType: r.event_type,
  kind: r.kind,
  to: r.to_address,
  subject: r.subject,
  text: r.text_body,
  html: r.html_body,
  messageId: r.message_id,
  status: r.status,
  attempts: r.attempts,
});

export function mailRepository(db: DbOrTx): MailRepository {
  return {
    async recordAttempt(d: MailDraft) {
      // A sent mail is left alone; otherwise the attempt is counted and the first
      // attempt's content is kept.
      const [row] = await db<MailRow>('outbox_mail')
        .insert({
          event_id: d.eventId,
          event_type: d.eventType,
          kind: d.kind,
          to_address: d.to,
          subject: d.subject,
          text_body: d.text,
          html_body: d.html,
          message_id: d.messageId,
          status: 'pending',
          attempts: 1,
        })
        .onConflict('event_id')
        .merge({
          attempts: db.raw("CASE WHEN outbox_mail.status = 'sent' THEN outbox_mail.attempts ELSE outbox_mail.attempts + 1 END"),
          status: db.raw("CASE WHEN outbox_mail.status = 'sent' THEN 'sent' ELSE 'pending' END"),
          updated_at: db.fn.now(),
        } as Record<string, unknown>)
        .returning('*');
      return toRecord(row as MailRow);
    },

    async markSent(eventId, smtpResponse) {
      await db('outbox_mail')
        .where({ event_id: eventId })
        .update({ status: 'sent', sent_at: db.fn.now(), updated_at: db.fn.now(), smtp_response: smtpResponse.slice(0, 500), last_error: null });
    },

    async markAttemptFailed(eventId, error, final) {
      await db('outbox_mail')
        .where({ event_id: eventId })
        .whereNot({ status: 'sent' })
        .update({ status: final ? 'failed' : 'pending', last_error: error.slice(0, 1000), updated_at: db.fn.now() });
    },
  };
}

export interface MailListQuery {
  status?: MailStatus;
  limit: number;
  cursor?: string;
}

/** Newest first, for operators. */
export async function listMails(db: DbOrTx, q: MailListQuery) {
  const query = db<MailRow>('outbox_mail').orderBy('seq', 'desc').limit(q.limit + 1);
  if (q.status) query.where({ status: q.status });
  if (q.cursor) query.where('seq', '<', q.cursor);
  const rows = await query;
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      eventId: r.event_id,
      eventType: r.event_type,
      kind: r.kind,
      to: r.to_address,
      subject: r.subject,
      messageId: r.message_id,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at.toISOString(),
      sentAt: r.sent_at?.toISOString() ?? null,
    })),
    nextCursor: rows.length > q.limit ? String(page[page.length - 1].seq) : null,
  };
}
