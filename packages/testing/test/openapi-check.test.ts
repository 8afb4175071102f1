import { describe, expect, it } from '@jest/globals';
import { openApiChecker } from '@shop/testing';

const doc = {
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: { type: 'object', required: ['id', 'price'], properties: { id: { type: 'string', format: 'uuid' }, price: { type: 'integer', minimum: 0 } } },
    },
  },
};

describe('openApiChecker', () => {
  const check = openApiChecker(doc);
  it('when a body matches its schema, then it passes', () => {
    expect(() => check('GET', '/things/{id}', 200, { id: '8a3f6c1e-3f1b-4c55-9a55-2d0c8a6f5b11', price: 10 })).not.toThrow();
  });
  it('when a body breaks its schema, then it throws naming the field', () => {
    expect(() => check('GET', '/things/{id}', 200, { id: 'nope', price: -1 })).toThrow(/does not match/);
  });
  it('when the status is undocumented, then it throws', () => {
    expect(() => check('GET', '/things/{id}', 404, {})).toThrow(/no 404 response/);
  });
});
