import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import amqp from 'amqplib';
import { createLogger } from '@shop/logger';
import { Broker, startOutboxRelay } from '@shop/messaging';
import { createTestUser, TEST_ADMIN_AMQP, testEnv, waitFor } from '@shop/testing';
import { productInput, startProductApp, type ProductApp } from './product-app.js';

let app: ProductApp;
let admin: string;
const AMQP_URL = testEnv('product').AMQP_URL;

beforeAll(async () => {
  // A service whose broker is unreachable: writes must still succeed and keep their events.
  app = await startProductApp({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:1/test' });
  admin = (await createTestUser({ roles: ['admin'] })).accessToken;
});

afterAll(async () => {
  await app?.close();
});

describe('events through the outbox', () => {
  it('when a product is created while the broker is down, then it is published exactly once after the broker is back', async () => {
    const created = await app.call('POST', '/api/products', { token: admin, body: productInput({ initialStock: 77 }) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const row = await app.db('outbox').whereRaw("payload->'data'->>'productId' = ?", [id]).first();
    expect(row).toMatchObject({ type: 'product.created.v1', published_at: null });

    const logger = createLogger('product-test', 'silent');
    const broker = Broker.connect({ url: AMQP_URL, logger, serviceName: 'product-test-relay' });
    const connection = await amqp.connect(TEST_ADMIN_AMQP('test-product')); // binds a probe queue: the tests' admin
    let relay: ReturnType<typeof startOutboxRelay> | undefined;
    try {
      await broker.waitUntilConnected(10_000);
      const channel = await connection.createChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
      await channel.bindQueue(queue, 'shop.events', 'product.created.v1');
      const seen: Array<{ id: string; data: { productId: string; initialStock?: number } }> = [];
      await channel.consume(queue, (msg) => {
        if (!msg) return;
        const event = JSON.parse(msg.content.toString('utf8'));
        if (event.data?.productId === id) seen.push(event);
        channel.ack(msg);
      });

      relay = startOutboxRelay({ db: app.db, broker, logger, intervalMs: 50 });
      await waitFor(() => seen.length > 0, { timeoutMs: 10_000, what: 'product.created.v1' });
      // Give a duplicate every chance to show up: many relay ticks, from two relays.
      app.relay.kick();
      await new Promise((r) => setTimeout(r, 1_000));
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ id: row.id, data: { productId: id, initialStock: 77 } });
      expect((await app.db('outbox').where({ id: row.id }).first()).published_at).not.toBeNull();
    } finally {
      await relay?.stop();
      await connection.close();
      await broker.close();
    }
  });

  it('when a write fails validation, then no event is enqueued', async () => {
    // This product's events only: a count of the whole outbox moves with any suite writing beside this one.
    const body = productInput({ price: -5 });
    const res = await app.call('POST', '/api/products', { token: admin, body });
    expect(res.status).toBe(400);
    expect(await app.db('outbox').whereRaw("payload->'data'->>'sku' = ?", [String(body.sku)])).toEqual([]);
  });
});
