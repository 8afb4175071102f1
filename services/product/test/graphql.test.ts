import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Cache, createRedis } from '@shop/cache';
import { makeEvent } from '@shop/contracts';
import { createLogger } from '@shop/logger';
import { createTestUser, testEnv, waitFor, type TestUser } from '@shop/testing';
import { CATALOG_NAMESPACE } from '../src/graphql/response-cache.js';
import { startProductApp, type ProductApp } from './product-app.js';

/**
 * The gateway's own refusals, which need no upstream: the limits, introspection in
 * production, and the product events that move the response cache's version.
 */
let app: ProductApp;
let customer: TestUser;
const redis = createRedis({ url: testEnv('product').REDIS_URL });
const cache = new Cache(redis, createLogger('graphql-test', 'silent'), 'product');

beforeAll(async () => {
  app = await startProductApp({ NODE_ENV: 'production', GRAPHQL_MAX_DEPTH: '5', GRAPHQL_MAX_COST: '200' });
  customer = await createTestUser();
  await Promise.all(app.consumers.map((c) => c.waitUntilActive()));
});

afterAll(async () => {
  await app?.close();
  redis.disconnect();
});

type Gql = { data?: unknown; errors?: Array<{ message: string; extensions: { code: string; status?: number } }> };
const gql = (query: string, token?: string) => app.call<Gql>('POST', '/api/graphql', { body: { query }, token });
const codes = (body: Gql) => (body.errors ?? []).map((e) => e.extensions.code);

describe('the GraphQL gateway', () => {
  it('when a query is deeper than GRAPHQL_MAX_DEPTH, then it is refused with QUERY_TOO_DEEP before any resolver runs', async () => {
    const res = await gql('{ me { orders { items { user { orders { items { id } } } } } } }', customer.accessToken);
    expect(codes(res.body)).toContain('QUERY_TOO_DEEP');
    expect(res.body.data).toBeUndefined();
  });

  it('when a query costs more than GRAPHQL_MAX_COST, then it is refused with QUERY_TOO_COSTLY', async () => {
    const fields = Array.from({ length: 40 }, (_, i) => `p${i}: products { items { id name price } }`).join(' ');
    const res = await gql(`{ ${fields} }`);
    expect(codes(res.body)).toContain('QUERY_TOO_COSTLY');
    expect(res.body.data).toBeUndefined();
  });

  it('when an anonymous caller introspects in production, then FORBIDDEN; a signed-in caller may', async () => {
    const anonymous = await gql('{ __schema { queryType { name } } }');
    expect(codes(anonymous.body)).toContain('FORBIDDEN');
    const signedIn = await gql('{ __schema { queryType { name } } }', customer.accessToken);
    expect(signedIn.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('when the token is not valid, then 401 UNAUTHENTICATED as on REST', async () => {
    const res = await gql('{ products { items { id } } }', 'not.a.token');
    expect(res.status).toBe(401);
    expect((res.body as unknown as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
  });

  it('when a field is unknown, then VALIDATION_FAILED', async () => {
    expect(codes((await gql('{ nope }')).body)).toEqual(['VALIDATION_FAILED']);
  });

  it('when a product event arrives, then the catalogue version of the response cache moves', async () => {
    const before = Number(await cache.version(CATALOG_NAMESPACE));
    const productId = randomUUID();
    await app.broker.publish(
      makeEvent('product.updated.v1', { productId, sku: `GQL-${productId.slice(0, 8)}`, name: 'Renamed', price: 100, currency: 'EUR', status: 'ACTIVE' }, { source: 'graphql-test' }),
    );
    await waitFor(async () => Number(await cache.version(CATALOG_NAMESPACE)) > before, { what: 'the version bump' });
  });

  it("when a creator's profile changes, then the catalogue version moves too (products show their creator)", async () => {
    const before = Number(await cache.version(CATALOG_NAMESPACE));
    const creatorId = randomUUID();
    await app.broker.publish(
      makeEvent('creator.updated.v1', { creatorId, name: 'Renamed', slug: `gql-${creatorId.slice(0, 8)}`, version: 2, bio: null, avatarUrl: null }, { source: 'graphql-test' }),
    );
    await waitFor(async () => Number(await cache.version(CATALOG_NAMESPACE)) > before, { what: 'the version bump' });
  });
});
