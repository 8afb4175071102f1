import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import amqp from 'amqplib';
import knex from 'knex';
import { adminToken, api, finalOrder, newCustomer, newProduct, placeOrder, until } from './api.js';

/**
 * Recommendations through :8000: confirmed orders of two products together show up in each
 * one's boughtTogether (order service → order.confirmed.v1 → the product service's inbox);
 * the same envelope delivered again counts nothing. The redelivery is the envelope the order
 * service published, captured by this test's own exclusive queue and sent again as the order
 * service's broker user (consumers refuse order events from anyone else).
 */
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const eco = createRequire(import.meta.url)('../../ecosystem.config.cjs') as { serviceEnv(name: string, id: string, port: number): { AMQP_URL: string } };
const ORDER_AMQP_URL = process.env.ORDER_AMQP_URL ?? eco.serviceEnv('order', 'order-1', 0).AMQP_URL;
const productDb = knex({ client: 'pg', connection: process.env.PRODUCT_DATABASE_URL ?? 'postgres://product_svc:product_pw@127.0.0.1:5432/product_db', pool: { min: 0, max: 1 } });

let conn: amqp.ChannelModel;
const seen: Array<{ id: string; type: string; data: { orderId: string } }> = [];

beforeAll(async () => {
  conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
  await ch.bindQueue(queue, 'shop.events', 'order.confirmed.v1');
  await ch.consume(queue, (msg) => msg && seen.push(JSON.parse(msg.content.toString())), { noAck: true });
});

afterAll(async () => {
  await conn?.close().catch(() => {});
  await productDb.destroy();
});

interface Recs {
  productId: string;
  boughtTogether: Array<{ product: { id: string; name: string; price: number }; orders: number }>;
  similar: Array<{ product: { id: string }; sameCategory: boolean; textMatch: boolean; orders: number }>;
}
const recs = (id: string) => api<Recs>('GET', `/api/products/${id}/recommendations`);
const together = (r: Recs, id: string) => r.boughtTogether.find((b) => b.product.id === id)?.orders ?? 0;

async function confirmedOrder(token: string, items: Array<{ productId: string; quantity: number }>): Promise<string> {
  const placed = await placeOrder(token, { items, paymentToken: 'tok_visa' });
  expect(placed.status).toBe(202);
  expect((await finalOrder(token, placed.body.id)).status).toBe('CONFIRMED');
  return placed.body.id;
}

async function redeliver(event: { id: string; type: string }): Promise<void> {
  const asOrder = await amqp.connect(ORDER_AMQP_URL);
  try {
    const pub = await asOrder.createConfirmChannel();
    pub.publish('shop.events', event.type, Buffer.from(JSON.stringify(event)), {
      persistent: true, messageId: event.id, type: event.type, contentType: 'application/json', userId: 'order',
    });
    await pub.waitForConfirms();
  } finally {
    await asOrder.close().catch(() => {});
  }
}

describe('recommendations through :8000', () => {
  it('when two products are confirmed together a few times, then each lists the other with the count; a redelivery does not double it', async () => {
    const admin = await adminToken();
    const [a, b, c] = [await newProduct(admin, { stock: 50, price: 1500 }), await newProduct(admin, { stock: 50 }), await newProduct(admin, { stock: 50 })];
    const [alice, bob] = await Promise.all([newCustomer('recs-a'), newCustomer('recs-b')]);

    // Nobody bought them yet: no bought-together, similar products only.
    const fresh = await recs(a.id);
    expect(fresh.status).toBe(200);
    expect(fresh.body.boughtTogether).toEqual([]);
    expect(fresh.body.similar.length).toBeGreaterThan(0);
    expect(fresh.body.similar.map((s) => s.product.id)).not.toContain(a.id);

    const orders = [
      await confirmedOrder(alice.token, [{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 1 }]),
      await confirmedOrder(bob.token, [{ productId: b.id, quantity: 2 }, { productId: a.id, quantity: 1 }]),
      await confirmedOrder(alice.token, [{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 1 }, { productId: c.id, quantity: 1 }]),
    ];

    const forA = await until(async () => {
      const r = await recs(a.id);
      return together(r.body, b.id) === 3 && together(r.body, c.id) === 1 ? r : undefined;
    }, 'a: b bought together 3 times, c once');
    expect(forA.body.boughtTogether.map((x) => [x.product.id, x.orders])).toEqual([[b.id, 3], [c.id, 1]]);
    expect(forA.body.similar.map((s) => s.product.id)).not.toContain(b.id);
    await until(async () => together((await recs(b.id)).body, a.id) === 3, 'b: a bought together 3 times');
    // Public and the same for everyone: the edge's micro-cache answers the next read, token or not.
    const again = await api('GET', `/api/products/${a.id}/recommendations`, { token: alice.token });
    expect(again.headers.get('x-cache-status')).toBe('HIT');

    // The GraphQL gateway asks the same route; such a query skips the gateway's response cache
    // (co-purchases move without a product event), the REST answer below it is cached.
    const query = `{ product(id: "${a.id}") { id recommendations(limit: 2) { boughtTogether { product { id name } orders } similar { product { id } } } } }`;
    for (let i = 0; i < 2; i++) {
      const gql = await api('POST', '/api/graphql', { body: { query } });
      expect(gql.status).toBe(200);
      expect(gql.body.data.product.recommendations.boughtTogether).toEqual([{ product: { id: b.id, name: expect.any(String) }, orders: 3 }, { product: { id: c.id, name: expect.any(String) }, orders: 1 }]);
      expect(gql.body.extensions?.responseCache).toBeUndefined();
    }

    // The first order's confirmation again, as a broker redelivery would bring it.
    const first = await until(async () => seen.find((e) => e.data.orderId === orders[0]), 'order.confirmed.v1 on the broker');
    await redeliver(first);
    await confirmedOrder(bob.token, [{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 1 }]);
    await until(async () => together((await recs(a.id)).body, b.id) === 4, 'the fourth order counted');
    await new Promise((r) => setTimeout(r, 1_500));
    const rows = await productDb('co_purchases').whereIn('product_id', [a.id, b.id]).whereIn('other_id', [a.id, b.id]).select('product_id', 'orders');
    expect(rows.map((r) => Number(r.orders))).toEqual([4, 4]);
    // The edge may answer one read after its 1 s with the stale copy while it refreshes it.
    await until(async () => together((await recs(b.id)).body, a.id) === 4, 'b: a bought together 4 times');
  }, 120_000);

  it('when the id or the query is bad, then 404 NOT_FOUND or 400 VALIDATION_FAILED', async () => {
    const list = await api<{ items: Array<{ id: string }> }>('GET', '/api/products?limit=1');
    const id = list.body.items[0].id;
    expect((await api('GET', '/api/products/not-an-id/recommendations')).body.error.code).toBe('NOT_FOUND');
    expect((await api('GET', '/api/products/00000000-0000-4000-8000-000000000000/recommendations')).status).toBe(404);
    const bad = await api('GET', `/api/products/${id}/recommendations?limit=99`);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
