import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser } from '@shop/testing';
import { everyPage, productInput, startProductApp, unique, type ProductApp } from './product-app.js';

let app: ProductApp;
let admin: string;

beforeAll(async () => {
  app = await startProductApp();
  admin = (await createTestUser({ roles: ['admin'] })).accessToken;
});

afterAll(async () => {
  await app?.close();
});

describe('read cache', () => {
  it('when a product is read twice, then the second read is a HIT; after an update the next read is fresh', async () => {
    const { body: created } = await app.call('POST', '/api/products', { token: admin, body: productInput({ price: 1000 }) });
    const first = await app.call('GET', `/api/products/${created.id}`);
    const second = await app.call('GET', `/api/products/${created.id}`);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.body).toEqual(first.body);

    await app.call('PATCH', `/api/products/${created.id}`, { token: admin, body: { price: 2000 } });
    const after = await app.call('GET', `/api/products/${created.id}`);
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(after.body.price).toBe(2000);
    expect((await app.call('GET', `/api/products/${created.id}`)).headers.get('x-cache')).toBe('HIT');

    await app.call('DELETE', `/api/products/${created.id}`, { token: admin });
    expect((await app.call('GET', `/api/products/${created.id}`)).status).toBe(404);
  });

  it('when a listing is read twice, then the second is a HIT; a create, update or delete shows at once', async () => {
    const { body: category } = await app.call('POST', '/api/categories', { token: admin, body: { name: 'Cached', slug: unique('cached-') } });
    const list = () => app.call('GET', `/api/products?category=${category.id}&sort=price_asc`);
    const { body: a } = await app.call('POST', '/api/products', { token: admin, body: productInput({ categoryId: category.id, price: 100 }) });
    expect((await list()).headers.get('x-cache')).toBe('MISS');
    const hit = await list();
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.body.items.map((p: { id: string }) => p.id)).toEqual([a.id]);

    const { body: b } = await app.call('POST', '/api/products', { token: admin, body: productInput({ categoryId: category.id, price: 200 }) });
    const afterCreate = await list();
    expect(afterCreate.headers.get('x-cache')).toBe('MISS');
    expect(afterCreate.body.items.map((p: { id: string }) => p.id)).toEqual([a.id, b.id]);

    await app.call('PATCH', `/api/products/${a.id}`, { token: admin, body: { price: 300 } });
    expect((await list()).body.items.map((p: { id: string; price: number }) => [p.id, p.price])).toEqual([[b.id, 200], [a.id, 300]]);

    await app.call('DELETE', `/api/products/${b.id}`, { token: admin });
    expect((await list()).body.items.map((p: { id: string }) => p.id)).toEqual([a.id]);
  });

  it('when a category is created, then the cached category list shows it at once', async () => {
    // Every page is cached first, the one the new slug will land on among them (its key, the
    // slug before it, stays the same), so only the version bump can make it show there.
    await everyPage(app, '/api/categories');
    const slug = unique('a-');
    await app.call('POST', '/api/categories', { token: admin, body: { name: 'New', slug } });
    const pages = await everyPage(app, '/api/categories');
    expect(pages[0].headers.get('x-cache')).toBe('MISS');
    expect(pages.flatMap((p) => p.body.items.map((c: { slug: string }) => c.slug))).toContain(slug);
  });
});

describe('dependencies down', () => {
  it('when Redis is unreachable, then reads still answer from Postgres (X-Cache MISS)', async () => {
    const noRedis = await startProductApp({ REDIS_URL: 'redis://127.0.0.1:1/1' });
    try {
      const { body: created } = await app.call('POST', '/api/products', { token: admin, body: productInput() });
      for (let i = 0; i < 2; i++) {
        const res = await noRedis.call('GET', `/api/products/${created.id}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('x-cache')).toBe('MISS');
      }
      expect((await noRedis.call('GET', '/health/ready')).status).toBe(503);
    } finally {
      await noRedis.close();
    }
  });

  it('when Postgres is unreachable, then reads fail fast with 503 DEPENDENCY_UNAVAILABLE', async () => {
    const noDb = await startProductApp({ DATABASE_URL: 'postgres://product_svc:product_pw@127.0.0.1:1/product_test' }, { migrate: false });
    try {
      const started = Date.now();
      const res = await noDb.call('GET', `/api/products?q=${unique()}`);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(res.headers.get('retry-after')).toBe('1');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await noDb.close();
    }
  });
});
