/**
 * Issue 10 #16: anyone on the broker used to set the prices. A product.updated.v1 with price 1
 * published by hand made the next order cost 1. Now each service is its own broker user that
 * may publish only its own event types, and every consumer refuses an event whose
 * broker-verified sender (`user_id`) may not send its type.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import amqp, { type ChannelModel } from 'amqplib';
import { makeEvent } from '@shop/contracts';
import { adminToken, api, finalOrder, newCustomer, newProduct, placeOrder, until } from './api.js';

const eco = createRequire(import.meta.url)('../../ecosystem.config.cjs') as { serviceEnv(name: string, id: string, port: number): { AMQP_URL: string } };
/** The local administrator (guest, loopback only): the stack's setup and the tests use it, no service does. */
const ADMIN_AMQP = process.env.ADMIN_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const MGMT = process.env.RABBIT_API ?? 'http://127.0.0.1:15672/api';
const MGMT_AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
/** Every queue bound to product.updated.v1 on the platform's vhost (order's and cart's snapshots, product's GraphQL cache, ...). */
let PRODUCT_QUEUES: string[] = [];

let admin: ChannelModel;

beforeAll(async () => {
  const res = await fetch(`${MGMT}/exchanges/%2F/shop.events/bindings/source`, { headers: { authorization: MGMT_AUTH } });
  const bindings = (await res.json()) as Array<{ destination: string; destination_type: string; routing_key: string }>;
  PRODUCT_QUEUES = bindings.filter((b) => b.destination_type === 'queue' && b.routing_key === 'product.updated.v1').map((b) => b.destination);
  expect(PRODUCT_QUEUES).toEqual(expect.arrayContaining(['order.product-snapshots', 'cart.product-snapshots']));
  admin = await amqp.connect(ADMIN_AMQP);
  admin.on('error', () => {});
});
afterAll(async () => {
  await admin.close().catch(() => {});
});

/** Publishes on a connection of its own with confirms; resolves true if the broker took it. */
async function publishAs(url: string, body: object, options: amqp.Options.Publish): Promise<boolean> {
  const conn = await amqp.connect(url);
  conn.on('error', () => {});
  try {
    const ch = await conn.createConfirmChannel();
    ch.on('error', () => {});
    const event = body as { type: string; id: string };
    return await new Promise<boolean>((resolve) => {
      ch.publish('shop.events', event.type, Buffer.from(JSON.stringify(body)), { persistent: true, messageId: event.id, type: event.type, ...options }, (err) =>
        resolve(!err));
      ch.once('close', () => resolve(false));
    });
  } finally {
    await conn.close().catch(() => {});
  }
}

/** Reads a dead-letter queue for one event id; `take` removes it (everything else goes back). */
async function deadLetter(queue: string, eventId: string, take = false): Promise<amqp.GetMessage | undefined> {
  const ch = await admin.createChannel();
  ch.on('error', () => {});
  try {
    // Until the queue runs dry (what this channel took stays unacked, so each comes once), not
    // up to checkQueue's count: a message another reader just gave back may not be counted yet.
    let found: amqp.GetMessage | undefined;
    for (let i = 0; i < 10_000; i++) {
      const msg = await ch.get(`${queue}.dlq`, { noAck: false });
      if (!msg) break;
      if (msg.properties.messageId === eventId) {
        found = msg;
        if (take) ch.ack(msg);
      }
    }
    return found;
  } finally {
    await ch.close().catch(() => {}); // unacked gets go back to the queue
  }
}

describe('a forged price event through the running platform', () => {
  it('when a non-product user publishes product.updated.v1 with price 1, then the broker or the consumers refuse it and the next order pays the catalog price', async () => {
    const token = await adminToken();
    const product = await newProduct(token, { stock: 5, price: 51_399 });
    const forged = (source: string) =>
      makeEvent('product.updated.v1', { productId: product.id, sku: product.sku, name: 'forged', price: 1, currency: 'EUR', status: 'ACTIVE' }, { source });

    // The cart service's own user may not publish a product routing key at all (topic permission).
    const byCart = forged('cart-1');
    expect(await publishAs(eco.serviceEnv('cart', 'cart-1', 0).AMQP_URL, byCart, { userId: 'cart' })).toBe(false);
    // Nobody may claim another user in user_id, the administrator included.
    const impersonated = forged('product-1');
    expect(await publishAs(ADMIN_AMQP, impersonated, { userId: 'product' })).toBe(false);
    // The administrator may publish anything, but its events carry no product user_id: every
    // consumer of product events dead-letters it, with the reason.
    const byAdmin = forged('product-1');
    expect(await publishAs(ADMIN_AMQP, byAdmin, {})).toBe(true);
    try {
      for (const queue of PRODUCT_QUEUES) {
        const dead = await until(() => deadLetter(queue, byAdmin.id), `the forged event in ${queue}.dlq`);
        expect(String(dead.properties.headers?.['x-dlq-reason'])).toMatch(/^forbidden sender: .* may not send product\.updated\.v1/);
      }

      const customer = await newCustomer('forged-price');
      const placed = await placeOrder(customer.token, { items: [{ productId: product.id, quantity: 1 }], paymentToken: 'tok_visa' });
      expect(placed.status).toBe(202);
      const order = await finalOrder(customer.token, placed.body.id);
      expect(order.items).toEqual([expect.objectContaining({ productId: product.id, unitPrice: 51_399, quantity: 1 })]);
      expect(order.total).toBe(51_399);
      expect(order.status).toBe('CONFIRMED');
      expect((await api('GET', `/api/products/${product.id}`)).body.price).toBe(51_399);
    } finally {
      // Leave the platform's dead-letter queues as we found them.
      for (const queue of PRODUCT_QUEUES) await deadLetter(queue, byAdmin.id, true).catch(() => undefined);
    }
    // Nothing of the refused publishes arrived anywhere.
    for (const queue of PRODUCT_QUEUES) {
      expect(await deadLetter(queue, byCart.id)).toBeUndefined();
      expect(await deadLetter(queue, impersonated.id)).toBeUndefined();
    }
  }, 90_000);
});
