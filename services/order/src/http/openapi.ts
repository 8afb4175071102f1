import { z } from 'zod';
import { ErrorSchema, OrderListSchema, OrderSchema, PlaceOrderSchema } from './orders.schemas.js';
import { CreateDropSchema, DropSchema, FairnessSchema, TicketSchema } from './drops.schemas.js';

const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};
const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const order = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const common = { '400': error('Invalid input'), '401': error('No valid access token'), '503': error('A dependency is down; retry') };

const ref = (name: string, description: string) => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } });
const dropParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const dropPaths = {
  '/api/drops': {
    post: {
      summary: 'Schedule a drop for a product (admin); publishes the fairness commitment sha256(seed)',
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateDrop' } } } },
      responses: { '201': ref('Drop', 'Scheduled'), ...common, '403': error('Not an admin'), '409': error('DROP_EXISTS: the product has a live drop') },
    },
  },
  '/api/drops/{id}': {
    get: {
      summary: 'Status, queue length, admissions, units left and the commitment (seed once open); cached 1 s at the edge',
      security: [],
      parameters: [dropParam],
      responses: { '200': ref('Drop', 'The drop'), '400': error('Invalid id'), '404': error('No such drop'), '503': error('A dependency is down; retry') },
    },
  },
  '/api/drops/{id}/fairness': {
    get: {
      summary: 'The revealed seed and the pre-queue before and after the shuffle, to recompute the order (docs/drops.md)',
      security: [],
      parameters: [dropParam],
      responses: { '200': ref('Fairness', 'The record'), '404': error('No such drop'), '409': error('DROP_NOT_OPEN') },
    },
  },
  '/api/drops/jwks.json': {
    get: { summary: 'The public key of the admission tokens (EdDSA)', security: [], responses: { '200': { description: 'A JWK set' } } },
  },
  '/api/drops/{id}/queue': {
    post: {
      summary: "Join the queue: the buyer's one ticket (joining again returns the same ticket)",
      parameters: [dropParam],
      responses: { '200': ref('Ticket', 'The ticket'), ...common, '404': error('No such drop') },
    },
  },
  '/api/drops/{id}/queue/me': {
    get: {
      summary: "The caller's ticket: state, position, eta, when to poll again, and the admission once admitted",
      parameters: [dropParam],
      responses: { '200': ref('Ticket', 'The ticket'), ...common, '404': error('NOT_FOUND (no drop) or NOT_IN_QUEUE') },
    },
  },
};

/** The OpenAPI 3.1 document for this service, built from the same zod schemas that validate requests. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Order service', version: '1.0.0', description: 'Idempotent order placement behind the sale gate; money in integer minor units.' },
    servers: [{ url: 'http://localhost:8000' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Order: json(OrderSchema),
        OrderList: json(OrderListSchema),
        Error: json(ErrorSchema),
        PlaceOrder: json(PlaceOrderSchema, 'input'),
        CreateDrop: json(CreateDropSchema, 'input'),
        Drop: json(DropSchema),
        Ticket: json(TicketSchema),
        Fairness: json(FairnessSchema),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/orders': {
        post: {
          summary: 'Place an order (items from the body, else from the cart)',
          parameters: [
            { name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', minLength: 1, maxLength: 255 } },
            { name: 'X-Admission-Token', in: 'header', required: false, description: 'required for a product on a live drop', schema: { type: 'string' } },
          ],
          requestBody: { required: false, content: { 'application/json': { schema: { $ref: '#/components/schemas/PlaceOrder' } } } },
          responses: {
            '202': order('Accepted: PENDING until inventory and payment answer (a replay returns the first response)'),
            ...common,
            '403': error('ADMISSION_REQUIRED: a product on a live drop, without a valid, unused admission token of this buyer'),
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
      ...dropPaths,
      '/api/orders/admin/tasks': {
        get: { summary: 'Status of consumed messages (admin)', responses: { '200': { description: '{items, nextCursor}' }, ...common, '403': error('Not an admin') } },
      },
    },
  };
}
