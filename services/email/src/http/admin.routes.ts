import { z } from 'zod';
import { defineRoute, openApiDocument, queryInt, type Route } from '@shop/http';
import type { Db } from '@shop/db';
import { tasksRoute } from '@shop/messaging';
import { listMails } from '../data/mail.repository.js';

export const MailsQuery = z.strictObject({
  status: z.enum(['pending', 'sent', 'failed']).optional(),
  limit: queryInt(1, 100).default(20),
  // At most 18 digits: always inside bigint, so a made-up cursor is a 400, never a database error.
  cursor: z.string().regex(/^[1-9]\d{0,17}$/, 'cursor must come from nextCursor').optional(),
});

const Mail = z
  .strictObject({
    eventId: z.string(),
    eventType: z.string(),
    kind: z.enum(['welcome', 'order-confirmed', 'order-rejected']),
    to: z.string(),
    subject: z.string(),
    messageId: z.string().describe('fixed from the event id, the same on every attempt'),
    status: z.enum(['pending', 'sent', 'failed']),
    attempts: z.number().int().min(0),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'Mail' });
const MailPage = z.strictObject({ items: z.array(Mail), nextCursor: z.string().nullable() }).meta({ id: 'MailPage' });

/** The only HTTP surface besides health, metrics and OpenAPI: operator views (admin). */
export const emailRoutes: Array<Route<{ db: Db }>> = [
  tasksRoute('/api/email/admin/tasks'),
  defineRoute(
    {
      method: 'get',
      path: '/api/email/admin/mails',
      summary: 'The mail journal, newest first (admin)',
      auth: 'admin',
      request: { query: MailsQuery },
      responses: { 200: { description: 'a page of mails', schema: MailPage } },
    },
    ({ query }, deps: { db: Db }) => listMails(deps.db, query),
  ),
];

/** The service's OpenAPI 3.1 document, generated from the routes. */
export const emailDocument = () =>
  openApiDocument(
    {
      title: 'Email service',
      description:
        'Sends the welcome, order-confirmation and order-rejection mails from events. No public API: only ' +
        'operator views of the mail journal and the consumed-event tasks.',
    },
    emailRoutes,
  );
