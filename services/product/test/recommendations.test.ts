import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ALLOWED_SENDERS, makeEvent, type EventData } from '@shop/contracts';
import { createTestUser, openApiChecker, PeerBus, waitFor } from '@shop/testing';
import { productInput, startProductApp, unique, type ProductApp } from './product-app.js';

/**
 * Recommendations from the service's own data: co-purchase counts fed by order.confirmed.v1
 * (published as the order service's broker user on this suite's vhost, through the inbox),
 * "similar" from the catalogue. Names are made of words no other test uses, because the test
 * database keeps every earlier run's products and "similar" matches words.
 */
const MAX_PRODUCTS = 3;
let app: ProductApp;
let admin: string;
let bus: PeerBus;
let check: ReturnType<typeof openApiChecker>;
const PATH = '/api/products/{id}/recommendations';

beforeAll(async () => {
  app = await startProductApp({ CO_PURCHASE_MAX_PRODUCTS: String(MAX_PRODUCTS) });
  admin = (await createTestUser({ roles: ['admin'] })).accessToken;
  bus = new PeerBus('test-product');
  await Promise.all(app.consumers.map((c) => c.waitUntilActive(15_000)));
  check = openApiChecker((await app.call('GET', '/api/products/openapi.json')).body);
});

afterAll(async () => {
  await bus?.close();
  await app?.close();
});

async function product(fields: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const res = await app.call('POST', '/api/products', { token: admin, body: productInput({ name: `${unique('w')} ${unique('x')}`, ...fields }) });
  expect(res.status).toBe(201);
  return res.body;
}

async function category(): Promise<string> {
  const res = await app.call('POST', '/api/categories', { token: admin, body: { name: 'Recs', slug: unique('recs-') } });
  expect(res.status).toBe(201);
  return res.body.id;
}

function confirmed(lines: Array<[string, number]>, orderId: string = randomUUID(), id?: string) {
  const data: EventData<'order.confirmed.v1'> = {
    orderId,
    userId: randomUUID(),
    items: lines.map(([productId, quantity]) => ({ productId, name: 'x', quantity, unitPrice: 100 })),
    total: 100,
    currency: 'EUR',
  };
  return makeEvent('order.confirmed.v1', data, { source: `${ALLOWED_SENDERS['order.confirmed.v1']}-test`, id });
}

/** The inbox has the event (it was handled, or recognised as a duplicate and acked). */
const handled = (eventId: string) =>
  waitFor(async () => (await app.db('inbox').where({ consumer: 'product.co-purchases', message_id: eventId }).first()) !== undefined, { what: `event ${eventId} handled` });

/** co_purchases(a → b), 0 when there is no row. */
async function together(a: string, b: string): Promise<number> {
  const row = await app.db('co_purchases').where({ product_id: a, other_id: b }).first();
  return row ? Number(row.orders) : 0;
}

async function recommendations(id: string, query = '') {
  const res = await app.call('GET', `/api/products/${id}/recommendations${query}`);
  check('GET', PATH, res.status, res.body);
  return res;
}

const ids = (list: Array<{ product: { id: string } }>) => list.map((r) => r.product.id);

describe('GET /api/products/:id/recommendations', () => {
  it('when products are confirmed together, then each lists the others as bought together, most orders first', async () => {
    const [a, b, c] = [await product(), await product(), await product()];
    const events = [confirmed([[a.id, 1], [b.id, 2]]), confirmed([[a.id, 1], [b.id, 1], [c.id, 1]]), confirmed([[b.id, 3]])];
    for (const e of events) await bus.publish(e);
    for (const e of events) await handled(e.id);

    const forA = await recommendations(a.id);
    expect(forA.status).toBe(200);
    expect(forA.body.productId).toBe(a.id);
    expect(forA.body.boughtTogether).toEqual([
      { product: { id: b.id, sku: expect.any(String), name: b.name, price: 4999, currency: 'EUR', categoryId: null, imageUrl: null }, orders: 2 },
      { product: expect.objectContaining({ id: c.id }), orders: 1 },
    ]);
    expect(ids((await recommendations(c.id)).body.boughtTogether).sort()).toEqual([a.id, b.id].sort());
    expect((await recommendations(b.id)).body.boughtTogether.map((r: { orders: number }) => r.orders)).toEqual([2, 1]);
    expect(await app.db('product_sales').where({ product_id: b.id }).first()).toMatchObject({ orders: 3 });
  });

  it('when an event is delivered again, or the same order comes under a new event id, then no count moves', async () => {
    const [a, b] = [await product(), await product()];
    const first = confirmed([[a.id, 1], [b.id, 1]]);
    await bus.publish(first);
    await handled(first.id);
    expect(await together(a.id, b.id)).toBe(1);

    const again = confirmed([[a.id, 1], [b.id, 1]], first.data.orderId);
    await bus.publish(first); // a broker redelivery: the same envelope
    await bus.publish(again); // the same order, another event id
    await handled(again.id);
    const next = confirmed([[a.id, 1], [b.id, 1]]); // queued behind both: once it counts, they were seen
    await bus.publish(next);
    await handled(next.id);
    await waitFor(async () => (await together(a.id, b.id)) === 2, { what: 'the next order counted' });
    await new Promise((r) => setTimeout(r, 300));
    expect([await together(a.id, b.id), await together(b.id, a.id)]).toEqual([2, 2]);
    expect(await app.db('product_sales').where({ product_id: a.id }).first()).toMatchObject({ orders: 2 });
    expect((await recommendations(a.id)).body.boughtTogether).toEqual([expect.objectContaining({ orders: 2 })]);
  });

  it('when an order has more products than the cap, then only its biggest lines make pairs', async () => {
    const p = await Promise.all(Array.from({ length: 5 }, () => product()));
    // Units per product: 5, 1, 4, 2, 3 → the three biggest are p0, p2, p4.
    const e = confirmed([[p[0].id, 5], [p[1].id, 1], [p[2].id, 4], [p[3].id, 2], [p[4].id, 3]]);
    await bus.publish(e);
    await handled(e.id);
    const rows = await app.db('co_purchases').whereIn('product_id', p.map((x) => x.id));
    expect(rows).toHaveLength(MAX_PRODUCTS * (MAX_PRODUCTS - 1));
    expect(new Set(rows.map((r) => r.product_id))).toEqual(new Set([p[0].id, p[2].id, p[4].id]));
    expect(await app.db('product_sales').whereIn('product_id', [p[1].id, p[3].id])).toEqual([]);
  });

  it('when nobody bought a product yet, then it gets similar products: same category and shared words first, the most ordered among equals, never itself or a deleted one', async () => {
    const cat = await category();
    const word = unique('lamp');
    const target = await product({ name: `${word} ${unique('y')}`, categoryId: cat });
    const sameCatAndWord = await product({ name: `${word} ${unique('z')}`, categoryId: cat });
    const [quiet, popular] = [await product({ categoryId: cat }), await product({ categoryId: cat })];
    const wordOnly = await product({ name: `${unique('q')} ${word}` });
    const inDescription = await product({ description: `Goes well with a ${word}.` });
    const deleted = await product({ categoryId: cat });
    const unrelated = await product();
    expect((await app.call('DELETE', `/api/products/${deleted.id}`, { token: admin })).status).toBe(204);
    const sold = confirmed([[popular.id, 1]]);
    await bus.publish(sold);
    await handled(sold.id);

    const res = await recommendations(target.id, '?limit=10');
    expect(res.status).toBe(200);
    expect(res.body.boughtTogether).toEqual([]);
    const similar = res.body.similar as Array<{ product: { id: string }; sameCategory: boolean; textMatch: boolean; orders: number }>;
    expect(ids(similar)).toEqual([sameCatAndWord.id, popular.id, quiet.id, wordOnly.id, inDescription.id]);
    expect(similar.map((s) => [s.sameCategory, s.textMatch, s.orders])).toEqual([
      [true, true, 0], [true, false, 1], [true, false, 0], [false, true, 0], [false, true, 0],
    ]);
    expect(ids(similar)).not.toContain(unrelated.id);
    expect(ids((await recommendations(target.id, '?limit=2')).body.similar)).toEqual([sameCatAndWord.id, popular.id]);
  });

  it('when a product is also bought together, then similar does not repeat it', async () => {
    const cat = await category();
    const [a, b, c] = [await product({ categoryId: cat }), await product({ categoryId: cat }), await product({ categoryId: cat })];
    const e = confirmed([[a.id, 1], [b.id, 1]]);
    await bus.publish(e);
    await handled(e.id);
    const { body } = await recommendations(a.id);
    expect(ids(body.boughtTogether)).toEqual([b.id]);
    expect(ids(body.similar)).toEqual([c.id]);
  });

  it('when the answer is read twice, then the second is a cache HIT; a new co-purchase or a rename shows at once', async () => {
    const [a, b, c] = [await product(), await product(), await product()];
    const e1 = confirmed([[a.id, 1], [b.id, 1]]);
    await bus.publish(e1);
    await handled(e1.id);
    expect((await recommendations(a.id)).headers.get('x-cache')).toBe('MISS');
    const hit = await recommendations(a.id);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(ids(hit.body.boughtTogether)).toEqual([b.id]);

    const e2 = confirmed([[a.id, 1], [c.id, 1]]);
    await bus.publish(e2);
    await handled(e2.id);
    // The bump follows the commit; the inbox row is visible a moment before it.
    await waitFor(async () => (await recommendations(a.id)).body.boughtTogether.length === 2, { what: 'the new pair', timeoutMs: 5_000 });

    expect((await app.call('PATCH', `/api/products/${b.id}`, { token: admin, body: { name: 'Renamed together' } })).status).toBe(200);
    const renamed = await recommendations(a.id);
    expect(renamed.headers.get('x-cache')).toBe('MISS');
    expect(renamed.body.boughtTogether.find((r: { product: { id: string } }) => r.product.id === b.id).product.name).toBe('Renamed together');

    expect((await app.call('DELETE', `/api/products/${c.id}`, { token: admin })).status).toBe(204);
    expect(ids((await recommendations(a.id)).body.boughtTogether)).toEqual([b.id]);
    expect((await recommendations(c.id)).status).toBe(404);
  });

  it('when the id or the query is bad, then 404 NOT_FOUND or 400 VALIDATION_FAILED, and nothing is computed', async () => {
    const a = await product();
    for (const id of ['not-a-uuid', randomUUID(), '00000000-0000-0000-0000-00000000000g']) {
      const res = await recommendations(id);
      expect([res.status, res.body.error.code]).toEqual([404, 'NOT_FOUND']);
    }
    for (const query of ['?limit=0', '?limit=21', '?limit=abc', '?limit=1.5', '?limit=2&limit=3', '?sort=name', '?limit=']) {
      const res = await recommendations(a.id, query);
      expect([query, res.status, res.body.error.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
    }
    const upper = await recommendations(a.id.toUpperCase());
    expect([upper.status, upper.body.productId]).toEqual([200, a.id]);
  });
});
