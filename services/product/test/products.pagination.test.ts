import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, openApiChecker } from '@shop/testing';
import { productInput, startProductApp, unique, type ProductApp } from './product-app.js';

let app: ProductApp;
let admin: string;
let categoryId: string;
let check: ReturnType<typeof openApiChecker>;
const TOTAL = 53;
const word = unique('zq');

interface Item {
  id: string;
  name: string;
  price: number;
  createdAt: string;
}

beforeAll(async () => {
  app = await startProductApp();
  admin = (await createTestUser({ roles: ['admin'] })).accessToken;
  check = openApiChecker((await app.call('GET', '/openapi.json')).body);
  const category = await app.call('POST', '/api/categories', { token: admin, body: { name: 'Paging', slug: unique('paging-') } });
  categoryId = category.body.id;
  // Few distinct prices and names, and (below) one shared timestamp: every sort has ties.
  for (let i = 0; i < TOTAL; i++) {
    const res = await app.call('POST', '/api/products', {
      token: admin,
      body: productInput({ categoryId, name: `${['Alpha', 'Beta', 'Gamma'][i % 3]} ${i % 2 ? word : 'plain'}`, price: (i % 4) * 1000 }),
    });
    expect(res.status).toBe(201);
  }
  const ids = (await app.db('products').where({ category_id: categoryId }).select('id')).map((r) => r.id);
  await app.db('products').whereIn('id', ids.slice(0, 30)).update({ created_at: new Date('2030-01-01T00:00:00.123Z') });
});

afterAll(async () => {
  await app?.close();
});

async function walk(query: string, limit = 10, from: string | null = null): Promise<Item[][]> {
  const pages: Item[][] = [];
  let cursor: string | null = from;
  for (let i = 0; i < 100; i++) {
    const qs: string = `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await app.call('GET', `/api/products?${qs}`);
    expect(res.status).toBe(200);
    check('GET', '/api/products', 200, res.body);
    pages.push(res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return pages;
  }
  throw new Error('pagination did not end');
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
const orders: Record<string, (a: Item, b: Item) => number> = {
  newest: (a, b) => cmp(b.createdAt, a.createdAt) || cmp(b.id, a.id),
  price_asc: (a, b) => cmp(a.price, b.price) || cmp(a.id, b.id),
  price_desc: (a, b) => cmp(b.price, a.price) || cmp(b.id, a.id),
};

describe('keyset pagination', () => {
  for (const sort of ['newest', 'price_asc', 'price_desc', 'name']) {
    it(`when every page is walked with sort=${sort}, then each product appears exactly once, in order`, async () => {
      const pages = await walk(`category=${categoryId}&sort=${sort}`);
      expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 10, 10, 3]);
      const items = pages.flat();
      expect(new Set(items.map((p) => p.id)).size).toBe(TOTAL);
      if (orders[sort]) expect(items).toEqual([...items].sort(orders[sort]));
      else {
        // Names compare by the database's collation, so the database says what the order is.
        const rows = await app.db('products').where({ category_id: categoryId, status: 'active' }).orderBy([{ column: 'name' }, { column: 'id' }]).select('id');
        expect(items.map((p) => p.id)).toEqual(rows.map((r) => r.id));
      }
    });
  }

  it('when filters are combined, then the walk returns exactly the matching products', async () => {
    const items = (await walk(`category=${categoryId}&q=${word}&minPrice=1000&maxPrice=2000&sort=price_asc`, 7)).flat();
    const expected = await app.db('products')
      .where({ category_id: categoryId })
      .whereILike('name', `%${word}%`)
      .whereBetween('price', [1000, 2000])
      .count({ n: '*' });
    expect(items.length).toBe(Number(expected[0].n));
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((p) => p.name.includes(word) && p.price >= 1000 && p.price <= 2000)).toBe(true);
  });

  it('when sku is given, then only the product with exactly that sku', async () => {
    const { body: created } = await app.call('POST', '/api/products', { token: admin, body: productInput() });
    const res = await app.call('GET', `/api/products?sku=${created.sku}`);
    expect(res.body.items.map((p: Item) => p.id)).toEqual([created.id]);
    expect((await app.call('GET', `/api/products?sku=${created.sku.slice(0, -1)}`)).body.items).toEqual([]);
  });

  it('when the category is given by slug, then the same products as by id', async () => {
    const { slug } = await app.db('categories').where({ id: categoryId }).first();
    const bySlug = (await walk(`category=${slug}&sort=price_asc`, 100)).flat().map((p) => p.id);
    const byId = (await walk(`category=${categoryId}&sort=price_asc`, 100)).flat().map((p) => p.id);
    expect(bySlug).toEqual(byId);
    expect(bySlug.length).toBe(TOTAL);
  });

  it('when a product is added mid-walk, then the products already there are still each seen once', async () => {
    const first = await app.call('GET', `/api/products?category=${categoryId}&sort=price_asc&limit=20`);
    await app.call('POST', '/api/products', { token: admin, body: productInput({ categoryId, price: 0 }) });
    const rest = (await walk(`category=${categoryId}&sort=price_asc`, 20, first.body.nextCursor)).flat();
    const ids = [...first.body.items, ...rest].map((p: Item) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(TOTAL);
  });
});
