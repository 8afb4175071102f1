import { z } from 'zod';

const Mail = z.strictObject({
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
});
const MailPage = z.strictObject({ items: z.array(Mail), nextCursor: z.string().nullable() });
const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string(), requestId: z.string(), details: z.unknown().optional() }) });

const schema = (s: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { unrepresentable: 'any' });
  return rest;
};
const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const errors = {
  '400': { description: 'VALIDATION_FAILED', ...json('Error') },
  '401': { description: 'UNAUTHENTICATED', ...json('Error') },
  '403': { description: 'FORBIDDEN (admin only)', ...json('Error') },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Email service',
    version: '1.0.0',
    description:
      'Sends the welcome, order-confirmation and order-rejection mails from events. No public API: only ' +
      'operator views of the mail journal and the consumed-event tasks.',
  },
  paths: {
    '/api/email/admin/mails': {
      get: {
        summary: 'The mail journal, newest first (admin)',
        security: [{ bearer: [] }],
        parameters: [
          { name: 'status', in: 'query', schema: { type: 'string', enum: ['pending', 'sent', 'failed'] } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'A page of mails', ...json('MailPage') }, ...errors },
      },
    },
    '/api/email/admin/tasks': {
      get: {
        summary: 'Status of consumed events: pending, processing, complete, failed (admin)',
        security: [{ bearer: [] }],
        responses: { '200': { description: '{items, nextCursor}' }, ...errors },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: { Mail: schema(Mail), MailPage: schema(MailPage), Error: schema(ErrorBody) },
  },
};
