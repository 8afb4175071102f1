import { z } from 'zod';
import { AddItemBody, Cart, ChangeItemBody, CreatedCart, ErrorBody, MergeBody } from './cart.schemas.js';

// Component schemas live inside the document, so they carry no `$schema` of their own.
const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' });
  return rest;
};
const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const error = (description: string) => ({ description, ...json('Error') });
const body = (ref: string) => ({ required: true, ...json(ref) });

const cartHeader = {
  name: 'X-Cart-Id',
  in: 'header',
  required: false,
  description: 'The guest cart id from POST /api/cart. Ignored when a bearer token is sent: a user always uses their own cart.',
  schema: { type: 'string', format: 'uuid' },
};
const productIdParam = { name: 'productId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const bearer = [{ bearer: [] }, {}];

const common = {
  '400': error('Invalid input (VALIDATION_FAILED, INVALID_JSON); nothing changed'),
  '401': error('A bearer token was sent but is not valid (UNAUTHENTICATED)'),
  '404': error('CART_NOT_FOUND: no token and no live guest cart with that X-Cart-Id'),
  '429': error('RATE_LIMITED (writes)'),
  '503': error('A dependency is down (DEPENDENCY_UNAVAILABLE); retry shortly'),
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Cart service',
    version: '1.0.0',
    description:
      'Guest carts (X-Cart-Id) and one cart per signed-in user. Prices and names always come from the current ' +
      'product snapshot; money is integer minor units with a currency.',
  },
  servers: [{ url: '/' }],
  paths: {
    '/api/cart': {
      post: {
        summary: 'Create a guest cart',
        security: bearer,
        responses: { '201': { description: 'Created', ...json('CreatedCart') }, '400': common['400'], '429': common['429'], '503': common['503'] },
      },
      get: {
        summary: 'The caller\'s cart, priced',
        security: bearer,
        parameters: [cartHeader],
        responses: { '200': { description: 'The cart', ...json('Cart') }, '401': common['401'], '404': common['404'], '503': common['503'] },
      },
    },
    '/api/cart/items': {
      post: {
        summary: 'Add a product (adds to an existing line, capped at 99)',
        security: bearer,
        parameters: [cartHeader],
        requestBody: body('AddItem'),
        responses: {
          '200': { description: 'The cart after the change', ...json('Cart') },
          ...common,
          '404': error('CART_NOT_FOUND, or PRODUCT_NOT_FOUND (unknown, deleted or not for sale)'),
          '409': error('CURRENCY_MISMATCH or CART_FULL'),
        },
      },
    },
    '/api/cart/items/{productId}': {
      patch: {
        summary: 'Set a line\'s quantity (0 removes it)',
        security: bearer,
        parameters: [cartHeader, productIdParam],
        requestBody: body('ChangeItem'),
        responses: {
          '200': { description: 'The cart after the change', ...json('Cart') },
          ...common,
          '404': error('CART_NOT_FOUND or ITEM_NOT_FOUND'),
        },
      },
      delete: {
        summary: 'Remove a line (idempotent)',
        security: bearer,
        parameters: [cartHeader, productIdParam],
        responses: { '200': { description: 'The cart after the change', ...json('Cart') }, ...common },
      },
    },
    '/api/cart/merge': {
      post: {
        summary: 'Merge a guest cart into the signed-in user\'s cart; the guest cart is deleted',
        security: [{ bearer: [] }],
        requestBody: body('Merge'),
        responses: {
          '200': { description: 'The user\'s cart after the merge', ...json('Cart') },
          ...common,
          '401': error('UNAUTHENTICATED'),
          '404': error('CART_NOT_FOUND: not a live guest cart'),
        },
      },
    },
    '/api/cart/admin/tasks': {
      get: {
        summary: 'Status of consumed events (admin)',
        security: [{ bearer: [] }],
        responses: { '200': { description: '{items, nextCursor}' }, '401': common['401'], '403': error('FORBIDDEN') },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Cart: schema(Cart),
      CreatedCart: schema(CreatedCart),
      AddItem: schema(AddItemBody, 'input'),
      ChangeItem: schema(ChangeItemBody, 'input'),
      Merge: schema(MergeBody, 'input'),
      Error: schema(ErrorBody),
    },
  },
};
