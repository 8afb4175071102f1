import { z } from 'zod';
import { ErrorSchema, OrderListSchema, OrderSchema, PlaceOrderSchema } from './orders.schemas.js';

const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};
const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const order = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const common = { '400': error('Invalid input'), '401': error('No valid access token'), '503': error('A dependency is down; retry') };

/** The OpenAPI 3.1 document for this service, built from the same zod schemas that validate requests. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Order service', version: '1.0.0', description: 'Idempotent order placement behind the sale gate; money in integer minor units.' },
    servers: [{ url: 'http://localhost:8000' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Order: json(OrderSchema), OrderList: json(OrderListSchema), Error: json(ErrorSchema), PlaceOrder: json(PlaceOrderSchema, 'input') },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/orders': {
        post: {
          summary: 'Place an order (items from the body, else from the cart)',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', minLength: 1, maxLength: 255 } }],
          requestBody: { required: false, content: { 'application/json': { schema: { $ref: '#/components/schemas/PlaceOrder' } } } },
          responses: {
            '202': order('Accepted: PENDING until inventory and payment answer (a replay returns the first response)'),
            ...common,
            '409': error('OUT_OF_STOCK, PURCHASE_LIMIT_EXCEEDED or IDEMPOTENCY_KEY_IN_FLIGHT'),
            '422': error('IDEMPOTENCY_KEY_REUSED: same key, different body'),
            '429': error('RATE_LIMITED'),
          },
        },
        get: {
          summary: "The caller's orders, newest first (an admin may pass userId)",
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
            { name: 'userId', in: 'query', schema: { type: 'string', format: 'uuid' } },
          ],
          responses: {
            '200': { description: 'A page', content: { 'application/json': { schema: { $ref: '#/components/schemas/OrderList' } } } },
            ...common,
            '403': error('userId of another user without the admin role'),
          },
        },
      },
      '/api/orders/{id}': {
        get: { summary: 'One order (owner or admin)', parameters: [idParam], responses: { '200': order('The order'), ...common, '404': error('No such order for this caller') } },
      },
      '/api/orders/{id}/cancel': {
        post: {
          summary: 'Cancel a PENDING or RESERVED order (owner)',
          parameters: [idParam],
          responses: { '200': order('Cancelled'), ...common, '404': error('No such order for this caller'), '409': error('INVALID_STATE') },
        },
      },
      '/api/orders/admin/tasks': {
        get: { summary: 'Status of consumed messages (admin)', responses: { '200': { description: '{items, nextCursor}' }, ...common, '403': error('Not an admin') } },
      },
    },
  };
}
