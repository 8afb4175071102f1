import { describe, expect, it } from '@jest/globals';
import { everyPage, productInput, productSuite, unique } from './product-app.js';

const t = productSuite();

const rowCount = async (sku: string) => Number((await t.app.db('products').where({ sku }).count({ n: '*' }))[0].n);

describe('product CRUD', () => {
  it('when an admin creates, reads, updates and deletes a product, then each step answers as documented', async () => {
    const category = await t.app.call('POST', '/api/categories', { token: t.admin, body: { name: 'Hoodies', slug: unique('cat-') } });
    expect(category.status).toBe(201);
    t.check('POST', '/api/categories', 201, category.body);

    const input = productInput({ categoryId: category.body.id, description: 'warm', imageUrl: 'https://img.example.com/a.jpg', maxPerCustomer: 2 });
    const created = await t.app.call('POST', '/api/products', { token: t.admin, body: input });
    expect(created.status).toBe(201);
    t.check('POST', '/api/products', 201, created.body);
    expect(created.body).toMatchObject({ sku: input.sku, price: 4999, currency: 'EUR', categoryId: category.body.id, maxPerCustomer: 2, status: 'active' });
    const id = created.body.id as string;

    const read = await t.app.call('GET', `/api/products/${id}`);
    expect(read.status).toBe(200);
    t.check('GET', '/api/products/{id}', 200, read.body);
    expect(read.body).toEqual(created.body);

    const updated = await t.app.call('PATCH', `/api/products/${id}`, { token: t.admin, body: { price: 3999, description: null, maxPerCustomer: null } });
    expect(updated.status).toBe(200);
    t.check('PATCH', '/api/products/{id}', 200, updated.body);
    expect(updated.body).toMatchObject({ id, price: 3999, description: null, maxPerCustomer: null, name: 'Test Hoodie' });
    expect((await t.app.call('GET', `/api/products/${id}`)).body.price).toBe(3999);

    const deleted = await t.app.call('DELETE', `/api/products/${id}`, { token: t.admin });
    expect(deleted.status).toBe(204);
    const gone = await t.app.call('GET', `/api/products/${id}`);
    expect(gone.status).toBe(404);
    t.check('GET', '/api/products/{id}', 404, gone.body);
    expect(gone.body.error.code).toBe('NOT_FOUND');
    const listed = await t.app.call('GET', `/api/products?q=${encodeURIComponent(String(input.sku))}`);
    expect(listed.body.items).toEqual([]);
    expect((await t.app.call('DELETE', `/api/products/${id}`, { token: t.admin })).status).toBe(404);
    expect((await t.app.call('PATCH', `/api/products/${id}`, { token: t.admin, body: { price: 1 } })).status).toBe(404);
    expect(await t.app.db('products').where({ id }).first()).toMatchObject({ status: 'deleted' });
  });

  it('when a product is written, then each write puts its event in the outbox with the row', async () => {
    const created = await t.app.call('POST', '/api/products', { token: t.admin, body: productInput({ initialStock: 42, maxPerCustomer: 3 }) });
    const id = created.body.id as string;
    await t.app.call('PATCH', `/api/products/${id}`, { token: t.admin, body: { name: 'Renamed', maxPerCustomer: null } });
    await t.app.call('DELETE', `/api/products/${id}`, { token: t.admin });
    const rows = await t.app.db('outbox').whereRaw("payload->'data'->>'productId' = ?", [id]).orderBy('created_at');
    expect(rows.map((r) => r.type)).toEqual(['product.created.v1', 'product.updated.v1', 'product.deleted.v1']);
    expect(rows[0].payload.data).toMatchObject({ productId: id, initialStock: 42, maxPerCustomer: 3, status: 'ACTIVE' });
    expect(rows[1].payload.data).toMatchObject({ name: 'Renamed', maxPerCustomer: null });
  });

  it('when the sku is taken, then create and patch answer 409 SKU_TAKEN and change nothing', async () => {
    const first = await t.app.call('POST', '/api/products', { token: t.admin, body: productInput() });
    const again = await t.app.call('POST', '/api/products', { token: t.admin, body: productInput({ sku: first.body.sku }) });
    expect(again.status).toBe(409);
    t.check('POST', '/api/products', 409, again.body);
    expect(again.body.error.code).toBe('SKU_TAKEN');
    expect(await rowCount(first.body.sku)).toBe(1);

    const other = await t.app.call('POST', '/api/products', { token: t.admin, body: productInput() });
    const clash = await t.app.call('PATCH', `/api/products/${other.body.id}`, { token: t.admin, body: { sku: first.body.sku } });
    expect(clash.status).toBe(409);
    expect((await t.app.call('GET', `/api/products/${other.body.id}`)).body.sku).toBe(other.body.sku);
  });

  it('when the category slug is taken, then 409 SLUG_TAKEN', async () => {
    const slug = unique('slug-');
    expect((await t.app.call('POST', '/api/categories', { token: t.admin, body: { name: 'A', slug } })).status).toBe(201);
    const again = await t.app.call('POST', '/api/categories', { token: t.admin, body: { name: 'B', slug } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SLUG_TAKEN');
  });

  it('when categories are listed, then every page matches the document and one of them includes a new one', async () => {
    const slug = unique('aaa-');
    await t.app.call('POST', '/api/categories', { token: t.admin, body: { name: 'Listed', slug } });
    const pages = await everyPage(t.app, '/api/categories');
    for (const page of pages) t.check('GET', '/api/categories', 200, page.body);
    expect(pages.flatMap((p) => p.body.items.map((c: { slug: string }) => c.slug))).toContain(slug);
  });
});

describe('bad input', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['an unknown field', productInput({ colour: 'red' })],
    ['a negative price', productInput({ price: -1 })],
    ['a fractional price', productInput({ price: 9.99 })],
    ['a lower-case currency', productInput({ currency: 'eur' })],
    ['a negative initialStock', productInput({ initialStock: -5 })],
    ['a missing initialStock', productInput({ initialStock: undefined })],
    ['maxPerCustomer 0', productInput({ maxPerCustomer: 0 })],
    ['a non-uuid categoryId', productInput({ categoryId: 'hoodies' })],
    // Postgres refuses NUL in text: these were 500s (issue 10, defect 9).
    ['a NUL byte in the name', productInput({ name: 'Hoodie\u0000' })],
    ['a NUL byte in the description', productInput({ description: 'warm\u0000' })],
  ];
  for (const [what, body] of cases) {
    it(`when the create body has ${what}, then 400 VALIDATION_FAILED and nothing is stored`, async () => {
      const res = await t.app.call('POST', '/api/products', { token: t.admin, body });
      expect(res.status).toBe(400);
      t.check('POST', '/api/products', 400, res.body);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(await rowCount(String(body.sku))).toBe(0);
    });
  }

  it('when a category name holds a NUL byte, then 400 VALIDATION_FAILED', async () => {
    const res = await t.app.call('POST', '/api/categories', { token: t.admin, body: { name: 'Hood\u0000ies', slug: unique('cat-') } });
    expect(res.status).toBe(400);
    t.check('POST', '/api/categories', 400, res.body);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('when the body is not JSON, then 400 INVALID_JSON', async () => {
    const res = await t.app.call('POST', '/api/products', { token: t.admin, raw: '{"sku":' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });

  it('when the category does not exist, then 400 CATEGORY_NOT_FOUND and nothing is stored', async () => {
    const body = productInput({ categoryId: '3f1c2a9e-8d4b-4c6e-9a7f-1b2c3d4e5f60' });
    const res = await t.app.call('POST', '/api/products', { token: t.admin, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('CATEGORY_NOT_FOUND');
    expect(await rowCount(String(body.sku))).toBe(0);
  });

  it('when a patch has an unknown field, initialStock, or nothing, then 400 and the product is unchanged', async () => {
    const created = await t.app.call('POST', '/api/products', { token: t.admin, body: productInput() });
    for (const body of [{ price: 1, colour: 'red' }, { initialStock: 5 }, {}, { price: -1 }, { description: 'a\u0000' }, { name: '\u0000' }]) {
      const res = await t.app.call('PATCH', `/api/products/${created.body.id}`, { token: t.admin, body });
      expect(res.status).toBe(400);
      t.check('PATCH', '/api/products/{id}', 400, res.body);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await t.app.call('GET', `/api/products/${created.body.id}`)).body).toEqual(created.body);
  });

  const queries: Array<[string, string, string]> = [
    ['limit 0', 'limit=0', 'VALIDATION_FAILED'],
    ['limit 101', 'limit=101', 'VALIDATION_FAILED'],
    ['limit abc', 'limit=abc', 'VALIDATION_FAILED'],
    ['an unknown sort', 'sort=cheapest', 'VALIDATION_FAILED'],
    ['an unknown parameter', 'colour=red', 'VALIDATION_FAILED'],
    ['a negative minPrice', 'minPrice=-1', 'VALIDATION_FAILED'],
    ['minPrice above maxPrice', 'minPrice=10&maxPrice=5', 'VALIDATION_FAILED'],
    ['a malformed cursor', 'cursor=not-a-cursor!', 'INVALID_CURSOR'],
    ['a base64 cursor of junk', `cursor=${Buffer.from('{"s":"newest"}').toString('base64url')}`, 'INVALID_CURSOR'],
    ['a NUL byte in q', 'q=%00', 'VALIDATION_FAILED'],
    ['a NUL byte in category', 'category=%00', 'VALIDATION_FAILED'],
    ['a NUL byte in sku', 'sku=A%00', 'VALIDATION_FAILED'],
    ['a name cursor holding a NUL byte', `sort=name&cursor=${Buffer.from(JSON.stringify({ s: 'name', k: 'a\u0000', id: '3f1c2a9e-8d4b-4c6e-9a7f-1b2c3d4e5f60' })).toString('base64url')}`, 'INVALID_CURSOR'],
    ['a cursor with an impossible date', `cursor=${Buffer.from(JSON.stringify({ s: 'newest', k: '2024-02-30T00:00:00.000Z', id: '3f1c2a9e-8d4b-4c6e-9a7f-1b2c3d4e5f60' })).toString('base64url')}`, 'INVALID_CURSOR'],
    ['a cursor from another sort', `cursor=${Buffer.from(JSON.stringify({ s: 'price_asc', k: 5, id: '3f1c2a9e-8d4b-4c6e-9a7f-1b2c3d4e5f60' })).toString('base64url')}`, 'INVALID_CURSOR'],
  ];
  for (const [what, qs, code] of queries) {
    it(`when the listing query has ${what}, then 400 ${code}`, async () => {
      const res = await t.app.call('GET', `/api/products?${qs}`);
      expect(res.status).toBe(400);
      t.check('GET', '/api/products', 400, res.body);
      expect(res.body.error.code).toBe(code);
      expect(typeof res.body.error.requestId).toBe('string');
    });
  }

  it('when the id is unknown or not a uuid, then 404 NOT_FOUND on read, patch and delete', async () => {
    for (const id of ['6a0f4a4e-1c1d-4b8e-9f57-0b8e8e3f2d11', 'not-a-uuid']) {
      expect((await t.app.call('GET', `/api/products/${id}`)).body.error.code).toBe('NOT_FOUND');
      expect((await t.app.call('PATCH', `/api/products/${id}`, { token: t.admin, body: { price: 1 } })).status).toBe(404);
      expect((await t.app.call('DELETE', `/api/products/${id}`, { token: t.admin })).status).toBe(404);
    }
  });
});

describe('who may write', () => {
  it('when there is no token, then writes are 401 UNAUTHENTICATED and nothing is stored', async () => {
    const body = productInput();
    const res = await t.app.call('POST', '/api/products', { body });
    expect(res.status).toBe(401);
    t.check('POST', '/api/products', 401, res.body);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
    expect(await rowCount(String(body.sku))).toBe(0);
    expect((await t.app.call('POST', '/api/categories', { body: { name: 'x', slug: unique('s-') } })).status).toBe(401);
  });

  it('when the token is not valid, then 401', async () => {
    const res = await t.app.call('POST', '/api/products', { token: `${t.admin.slice(0, -4)}AAAA`, body: productInput() });
    expect(res.status).toBe(401);
  });

  it('when a customer writes, then 403 FORBIDDEN and nothing changes', async () => {
    const body = productInput();
    const res = await t.app.call('POST', '/api/products', { token: t.customer, body });
    expect(res.status).toBe(403);
    t.check('POST', '/api/products', 403, res.body);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(await rowCount(String(body.sku))).toBe(0);
    const created = await t.app.call('POST', '/api/products', { token: t.admin, body: productInput() });
    expect((await t.app.call('PATCH', `/api/products/${created.body.id}`, { token: t.customer, body: { price: 1 } })).status).toBe(403);
    expect((await t.app.call('DELETE', `/api/products/${created.body.id}`, { token: t.customer })).status).toBe(403);
    expect((await t.app.call('GET', `/api/products/${created.body.id}`)).body.price).toBe(created.body.price);
  });

  it('when an admin lists tasks, then 200; a customer gets 403', async () => {
    expect((await t.app.call('GET', '/api/products/admin/tasks', { token: t.admin })).status).toBe(200);
    expect((await t.app.call('GET', '/api/products/admin/tasks', { token: t.customer })).status).toBe(403);
  });
});
