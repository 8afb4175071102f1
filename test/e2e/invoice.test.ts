import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import amqp from 'amqplib';
import knex from 'knex';
import { pdfText } from '@shop/testing';
import { adminToken, api, EDGE, finalOrder, MAILPIT, mailsTo, newCustomer, newProduct, placeOrder, until } from './api.js';

/**
 * Invoices through :8000: confirmed order → one PDF invoice, downloadable by its owner and
 * attached to the confirmation mail; a redelivered order.confirmed.v1 changes nothing.
 * The redelivery is the very envelope the order service published, captured by a queue of
 * this test's own (exclusive, so it takes no message from the platform's consumers).
 */
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
/** A redelivery must come from the order service's own broker user: consumers refuse order events from anyone else. */
const eco = createRequire(import.meta.url)('../../ecosystem.config.cjs') as { serviceEnv(name: string, id: string, port: number): { AMQP_URL: string } };
const ORDER_AMQP_URL = process.env.ORDER_AMQP_URL ?? eco.serviceEnv('order', 'order-1', 0).AMQP_URL;
const orderDb = knex({ client: 'pg', connection: process.env.ORDER_DATABASE_URL ?? 'postgres://order_svc:order_pw@127.0.0.1:5432/order_db', pool: { min: 0, max: 1 } });

let conn: amqp.ChannelModel;
let ch: amqp.ConfirmChannel;
const seen: Array<{ id: string; type: string; data: { orderId: string } }> = [];

beforeAll(async () => {
  conn = await amqp.connect(AMQP_URL);
  ch = await conn.createConfirmChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
  await ch.bindQueue(queue, 'shop.events', 'order.confirmed.v1');
  await ch.consume(queue, (msg) => msg && seen.push(JSON.parse(msg.content.toString())), { noAck: true });
});

afterAll(async () => {
  await conn?.close().catch(() => {});
  await orderDb.destroy();
});

const download = (token: string | undefined, orderId: string) =>
  fetch(`${EDGE}/api/orders/${orderId}/invoice`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

async function mailWithInvoice(email: string) {
  const [mail] = await until(async () => {
    const mails = (await mailsTo(email)).filter((m) => /confirm/i.test(m.Subject));
    return mails.length > 0 ? mails : undefined;
  }, 'the confirmation mail');
  const body = (await (await fetch(`${MAILPIT}/api/v1/message/${mail.ID}`)).json()) as { Attachments: Array<{ PartID: string; FileName: string; ContentType: string }> };
  return { mail, attachments: body.Attachments };
}

describe('invoices through :8000', () => {
  it('when an order is confirmed, then one PDF invoice with its number, lines and total is downloadable by its owner, attached to the one confirmation mail, and a redelivery changes nothing', async () => {
    const admin = await adminToken();
    const product = await newProduct(admin, { stock: 10, price: 1999 });
    const [buyer, other] = await Promise.all([newCustomer('invoice'), newCustomer('invoice-other')]);
    const profile = await api('PATCH', '/api/users/me', {
      token: buyer.token,
      body: { phone: '+442079460000', shippingAddress: { line1: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', country: 'GB' } },
    });
    expect(profile.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500)); // the order service's customer snapshot follows the profile event

    const placed = await placeOrder(buyer.token, { items: [{ productId: product.id, quantity: 3 }], paymentToken: 'tok_visa' });
    expect(placed.status).toBe(202);
    const early = await download(buyer.token, placed.body.id);
    expect([409, 200]).toContain(early.status); // a fast platform may have confirmed it already
    if (early.status === 409) expect(['ORDER_NOT_CONFIRMED', 'INVOICE_NOT_READY']).toContain(((await early.json()) as { error: { code: string } }).error.code);
    const order = await finalOrder(buyer.token, placed.body.id);
    expect(order.status).toBe('CONFIRMED');

    const res = await until(async () => {
      const r = await download(buyer.token, order.id);
      return r.status === 200 ? r : undefined;
    }, 'the invoice');
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    const number = /filename="(INV-\d{4}-\d{6,})\.pdf"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
    expect(number).toBeDefined();
    const text = await pdfText(pdf);
    expect(text).toContain(`Invoice ${number}`);
    expect(text).toContain(`Order: ${order.id}`);
    expect(text).toContain(`${order.items[0].name} 3 €19.99 €59.97`);
    expect(text).toContain('Total €59.97');
    expect(text).toContain('221B Baker Street');
    expect(text).toContain(buyer.email);

    expect((await download(other.token, order.id)).status).toBe(404);
    expect((await download(undefined, order.id)).status).toBe(401);

    const { mail, attachments } = await mailWithInvoice(buyer.email);
    expect(attachments).toEqual([expect.objectContaining({ FileName: `${number}.pdf`, ContentType: 'application/pdf' })]);
    const attached = Buffer.from(await (await fetch(`${MAILPIT}/api/v1/message/${mail.ID}/part/${attachments[0].PartID}`)).arrayBuffer());
    expect(attached.equals(pdf)).toBe(true);

    // The same envelope again, as a broker redelivery would bring it.
    const confirmed = await until(async () => seen.find((e) => e.data.orderId === order.id), 'order.confirmed.v1 on the broker');
    const asOrder = await amqp.connect(ORDER_AMQP_URL);
    try {
      const pub = await asOrder.createConfirmChannel();
      pub.publish('shop.events', confirmed.type, Buffer.from(JSON.stringify(confirmed)), {
        persistent: true,
        messageId: confirmed.id,
        type: confirmed.type,
        contentType: 'application/json',
        userId: 'order',
      });
      await pub.waitForConfirms();
    } finally {
      await asOrder.close().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 1_500));
    const again = Buffer.from(await (await download(buyer.token, order.id)).arrayBuffer());
    expect(again.equals(pdf)).toBe(true);
    expect((await mailsTo(buyer.email)).filter((m) => /confirm/i.test(m.Subject))).toHaveLength(1);
    expect(await orderDb('invoices').where({ order_id: order.id }).count({ n: '*' })).toEqual([{ n: '1' }]);

    // No gap anywhere in this year's series on the running platform: numbers 1..max, each once.
    const year = Number(number!.slice(4, 8));
    const [series] = await orderDb('invoices').where({ year }).select(orderDb.raw('count(*)::int as n, count(distinct seq)::int as d, max(seq) as max, min(seq) as min'));
    expect(series).toEqual({ n: series.max, d: series.max, max: series.max, min: 1 });
  });
});
