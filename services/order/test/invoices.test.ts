import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Event } from '@shop/contracts';
import { createTestUser, pdfText, waitFor, type TestUser } from '@shop/testing';
import { joinInvoiceTx } from '../src/data/invoice.repository.js';
import { issueInvoice, invoiceNumber } from '../src/domain/invoices.js';
import { PdfInvoiceRenderer } from '../src/documents/pdf-invoice.renderer.js';
import { api, EventPublisher, EventRecorder, seedProduct, sleep, startOrderService, waitForStatus, type Running } from './support.js';

type ErrorBody = { error: { code: string } };
let run: Running;
let events: EventPublisher;
let recorder: EventRecorder;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  run = await startOrderService();
  await Promise.all(run.service.subscriptions.map((s) => s.waitUntilActive()));
  events = new EventPublisher();
  recorder = await new EventRecorder().start();
  [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
});

afterAll(async () => {
  await recorder?.close();
  await events?.close();
  await run?.close();
});

const year = new Date().getUTCFullYear();
const counter = async () => Number((await run.service.db('invoice_counters').where({ year }).first())?.last_number ?? 0);
const invoicesOf = (orderId: string) => run.service.db('invoices').where({ order_id: orderId });

async function confirmedOrder(user: TestUser, lines: Array<{ quantity: number; price: number }>) {
  const products = await Promise.all(lines.map((l) => seedProduct(run.service, { price: l.price, units: 50 })));
  const items = products.map((productId, i) => ({ productId, quantity: lines[i].quantity }));
  const placed = await api(run.url, user.accessToken)('POST', '/api/orders', { items }, { 'Idempotency-Key': randomUUID() });
  expect(placed.status).toBe(202);
  await events.publish('inventory.reserved.v1', { orderId: placed.body.id, items, expiresAt: new Date(Date.now() + 60_000).toISOString() });
  return waitForStatus(run, user.accessToken, placed.body.id, 'CONFIRMED');
}

const download = (user: TestUser, orderId: string) =>
  fetch(`${run.url}/api/orders/${orderId}/invoice`, { headers: { authorization: `Bearer ${user.accessToken}` }, signal: AbortSignal.timeout(10_000) });

describe('invoices', () => {
  it('when an order is confirmed, then its owner downloads one PDF invoice with the number, lines and total, and invoice.issued.v1 carries the same PDF', async () => {
    const order = await confirmedOrder(alice, [
      { quantity: 2, price: 1250 },
      { quantity: 1, price: 2999 },
    ]);
    const res = await waitFor(async () => {
      const r = await download(alice, order.id);
      return r.status === 200 ? r : undefined;
    }, { what: 'the invoice' });
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    const [row] = await invoicesOf(order.id);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${row.number}.pdf"`);
    expect(row.number).toBe(invoiceNumber(year, row.seq));

    const text = await pdfText(pdf);
    expect(text).toContain(`Invoice ${row.number}`);
    expect(text).toContain(`Order: ${order.id}`);
    expect(text).toContain('Drop Shop Ltd');
    expect(text).toContain(alice.email);
    // The order keeps its lines in its own order (by product id), not in the order they were asked for.
    const line = (quantity: number) => (order.items as Array<{ name: string; quantity: number }>).find((i) => i.quantity === quantity)!;
    expect(text).toContain(`${line(2).name} 2 €12.50 €25.00`);
    expect(text).toContain(`${line(1).name} 1 €29.99 €29.99`);
    expect(text).toContain('Total €54.99');
    expect(text).toContain('Currency: EUR');

    await waitFor(() => recorder.of('invoice.issued.v1', order.id).length > 0, { what: 'invoice.issued.v1' });
    const [issued] = recorder.of('invoice.issued.v1', order.id);
    expect(issued.data).toMatchObject({ number: row.number, userId: alice.id, email: alice.email, total: 5499, currency: 'EUR' });
    expect(Buffer.from(issued.data.pdf as string, 'base64').equals(pdf)).toBe(true);
  });

  it('when order.confirmed.v1 is delivered again, then there is still one invoice and the year counter does not move', async () => {
    const order = await confirmedOrder(alice, [{ quantity: 1, price: 500 }]);
    await waitFor(async () => (await invoicesOf(order.id)).length === 1, { what: 'the first invoice' });
    const [confirmed] = recorder.of('order.confirmed.v1', order.id) as unknown as Array<Event<'order.confirmed.v1'>>;
    const before = await counter();
    await events.publish('order.confirmed.v1', confirmed.data, confirmed.id); // the same message again
    await events.publish('order.confirmed.v1', confirmed.data); // another message for the same order
    await sleep(1_000);
    expect(await invoicesOf(order.id)).toHaveLength(1);
    expect(await counter()).toBe(before);
    expect(recorder.of('invoice.issued.v1', order.id)).toHaveLength(1);
  });

  it('when issuing fails after the number was taken, then the number is not lost: the next invoice gets it', async () => {
    const order = await confirmedOrder(bob, [{ quantity: 1, price: 700 }]);
    await waitFor(async () => (await invoicesOf(order.id)).length === 1, { what: 'its invoice' });
    await run.service.db('invoices').where({ order_id: order.id }).delete(); // as if never issued
    const before = await counter();
    const seller = { name: 'S', address: ['A'], vatId: 'V' };
    const failing = { render: async () => Promise.reject(new Error('renderer crashed')) };
    const uow = run.service.uow;
    await expect(
      run.service.db.transaction((trx) => issueInvoice(joinInvoiceTx(uow, trx, { correlationId: randomUUID() }), { seller, renderer: failing }, order.id, { correlationId: randomUUID() })),
    ).rejects.toThrow('renderer crashed');
    expect(await counter()).toBe(before);
    const issued = await run.service.db.transaction((trx) =>
      issueInvoice(joinInvoiceTx(uow, trx, { correlationId: randomUUID() }), { seller, renderer: new PdfInvoiceRenderer() }, order.id, { correlationId: randomUUID() }),
    );
    expect(issued?.seq).toBe(before + 1);
  });

  it('when invoices are issued at once for many orders, then their numbers are consecutive with no gap or repeat', async () => {
    const before = await counter();
    const orders = await Promise.all(Array.from({ length: 6 }, () => confirmedOrder(alice, [{ quantity: 1, price: 100 }])));
    const rows = await waitFor(async () => {
      const r = await run.service.db('invoices').whereIn('order_id', orders.map((o) => o.id));
      return r.length === orders.length ? r : undefined;
    }, { what: 'six invoices' });
    const after = await counter();
    const all = (await run.service.db('invoices').where({ year }).where('seq', '>', before).where('seq', '<=', after).select('seq')).map((r) => r.seq).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: after - before }, (_, i) => before + i + 1));
    expect(new Set(rows.map((r) => r.seq)).size).toBe(orders.length);
  });

  it("when another user asks for the invoice, then 404; when the order is not confirmed, then 409 ORDER_NOT_CONFIRMED", async () => {
    const order = await confirmedOrder(alice, [{ quantity: 1, price: 900 }]);
    const other = await download(bob, order.id);
    expect(other.status).toBe(404);
    expect(((await other.json()) as ErrorBody).error.code).toBe('NOT_FOUND');

    const productId = await seedProduct(run.service, { units: 5 });
    const pending = await api(run.url, bob.accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 1 }] }, { 'Idempotency-Key': randomUUID() });
    const early = await download(bob, pending.body.id);
    expect(early.status).toBe(409);
    expect(((await early.json()) as ErrorBody).error.code).toBe('ORDER_NOT_CONFIRMED');
    expect(early.headers.get('retry-after')).toBeNull(); // nothing to wait for
    expect((await download(bob, randomUUID())).status).toBe(404);
  });

  it('when the order is confirmed but its invoice row is not there yet, then 409 INVOICE_NOT_READY with Retry-After, as the document declares', async () => {
    const order = await confirmedOrder(bob, [{ quantity: 1, price: 800 }]);
    await waitFor(async () => (await invoicesOf(order.id)).length === 1, { what: 'its invoice' });
    await invoicesOf(order.id).delete(); // the moment between the confirmation and the invoice
    const res = await download(bob, order.id);
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error.code).toBe('INVOICE_NOT_READY');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);

    const doc = (await (await fetch(`${run.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, { description: string; headers?: Record<string, { required?: boolean }> }> }>> };
    const declared = doc.paths['/api/orders/{id}/invoice'].get.responses['409'];
    expect(declared.description).toContain('INVOICE_NOT_READY');
    // Declared, but not required: ORDER_NOT_CONFIRMED, the same status, sends none.
    expect(declared.headers?.['Retry-After']).toMatchObject({ required: false });
  });
});
