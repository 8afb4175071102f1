import { z } from 'zod';
import { Availability, SetAvailableBody, StockLevelsView } from './inventory.schemas.js';

const json = (schema: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
  return rest;
};

const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string(), details: z.unknown().optional() }),
});

const Task = z.object({
  id: z.string(),
  consumer: z.string(),
  messageId: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'processing', 'complete', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const TaskPage = z.object({ items: z.array(Task), nextCursor: z.string().nullable() });

const content = (ref: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const error = (description: string) => ({ description, ...content('Error') });
const productId = { name: 'productId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const bearer = [{ bearer: [] }];
const adminErrors = { 401: error('No valid access token'), 403: error('Not an admin') };

/** The service's OpenAPI 3.1 document; component tests check real responses against it. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Inventory service',
    version: '1.0.0',
    description: 'Stock per product. Invariants: available, reserved, sold >= 0 and added = available + reserved + sold.',
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Error: json(ErrorBody),
      Availability: json(Availability),
      StockLevels: json(StockLevelsView),
      SetAvailable: json(SetAvailableBody),
      TaskPage: json(TaskPage),
    },
  },
  paths: {
    '/api/inventory/{productId}': {
      get: {
        summary: 'Units available to buy now',
        parameters: [productId],
        responses: {
          200: { description: 'Availability', ...content('Availability') },
          400: error('Not a UUID'),
          404: error('No stock record for this product'),
          503: error('Database unavailable'),
        },
      },
      put: {
        summary: 'Set the available count (admin); reserved and sold units are untouched',
        security: bearer,
        parameters: [productId],
        requestBody: { required: true, ...content('SetAvailable') },
        responses: {
          200: { description: 'The stock after the change', ...content('StockLevels') },
          400: error('Invalid body (negative, not an integer, unknown field)'),
          ...adminErrors,
          404: error('No stock record for this product'),
          503: error('Database unavailable'),
        },
      },
    },
    '/api/inventory/admin/stock/{productId}': {
      get: {
        summary: 'Full stock counts (admin)',
        security: bearer,
        parameters: [productId],
        responses: {
          200: { description: 'Stock counts', ...content('StockLevels') },
          400: error('Not a UUID'),
          ...adminErrors,
          404: error('No stock record for this product'),
        },
      },
    },
    '/api/inventory/admin/tasks': {
      get: {
        summary: 'Status of consumed messages (admin)',
        security: bearer,
        parameters: [
          { name: 'status', in: 'query', schema: { type: 'string', enum: ['pending', 'processing', 'complete', 'failed'] } },
          { name: 'consumer', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
        ],
        responses: { 200: { description: 'A page of tasks, newest first', ...content('TaskPage') }, 400: error('Bad query'), ...adminErrors },
      },
    },
    '/api/inventory/openapi.json': {
      get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': {} } } } },
    },
  },
} as const;
