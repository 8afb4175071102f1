import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getTask } from '@shop/messaging';
import { createTestUser, openApiChecker, uniqueEmail, waitFor } from '@shop/testing';
import { emailDocument } from '../src/http/admin.routes.js';
import { ORDER_MAILS_QUEUE } from '../src/messaging/order-mails.consumer.js';
import { USER_EVENTS_QUEUE } from '../src/messaging/user-events.consumer.js';
import { attachment, consumed, event, firstMailTo, FlakySmtp, invoiceIssued, mailBody, mailsTo, startEmail, type EmailHarness } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mailRow = (h: EmailHarness, eventId: string) => h.db('outbox_mail').where({ event_id: eventId }).first();

describe('with SMTP up', () => {
  let h: EmailHarness;
  beforeAll(async () => {
    h = await startEmail();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('when user.registered.v1 is delivered twice (same envelope), then exactly one welcome mail arrives', async () => {
    const email = uniqueEmail('welcome');
    const registered = event('user.registered.v1', { userId: randomUUID(), email, name: 'Ada' });
    const duplicatesBefore = await consumed(USER_EVENTS_QUEUE, 'duplicate');
    await h.bus.publish(registered);
    await h.bus.publish(registered);

    const mail = await firstMailTo(email);
    await waitFor(async () => (await consumed(USER_EVENTS_QUEUE, 'duplicate')) > duplicatesBefore, { what: 'the duplicate' });
    await sleep(300); // a second mail, if any, would have had time to land
    expect(await mailsTo(email)).toHaveLength(1);
    expect(mail.Subject).toBe('Welcome to Drop Shop');
    expect(mail.MessageID).toBe(`${registered.id}.welcome@mail.shop.local`);
    expect((await mailBody(mail.ID)).Text).toContain('Hi Ada');
    expect(await mailRow(h, registered.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await h.db('email_recipients').where({ email }).first()).toMatchObject({ name: 'Ada' });
  });

  it('when invoice.issued.v1 arrives, then the confirmation lists each line (name × qty, unit price, line total) and the total, with the invoice PDF attached', async () => {
    const email = uniqueEmail('order');
    const pdf = Buffer.from('%PDF-1.7\n% a stand-in: the email service attaches what the event carries\n%%EOF\n');
    const issued = invoiceIssued({
      email,
      items: [
        { productId: randomUUID(), name: 'Mug', quantity: 2, unitPrice: 1250 },
        { productId: randomUUID(), name: 'Tee <limited>', quantity: 1, unitPrice: 2999 },
      ],
      total: 5499,
      currency: 'EUR',
      pdf: pdf.toString('base64'),
    });
    await h.bus.publish(issued);
    const mail = await firstMailTo(email);
    expect(mail.Subject).toBe(`Order confirmed: ${issued.data.orderId}`);
    const body = await mailBody(mail.ID);
    expect(body.Text).toContain('Mug × 2  @ €12.50  = €25.00');
    expect(body.Text).toContain('Tee <limited> × 1  @ €29.99  = €29.99');
    expect(body.Text).toContain('Total: €54.99');
    expect(body.Text).toContain(`Your invoice ${issued.data.number} is attached.`);
    expect(body.HTML).toContain('Tee &lt;limited&gt; × 1');
    expect(body.HTML).not.toContain('<limited>');
    expect(body.Attachments).toEqual([expect.objectContaining({ FileName: `${issued.data.number}.pdf`, ContentType: 'application/pdf' })]);
    expect((await attachment(mail.ID, body.Attachments[0].PartID)).equals(pdf)).toBe(true);
  });

  it('when order.confirmed.v1 arrives, then no mail is sent for it: the confirmation waits for the invoice', async () => {
    const email = uniqueEmail('no-invoice-yet');
    const marker = uniqueEmail('marker');
    const confirmed = event('order.confirmed.v1', {
      orderId: randomUUID(),
      userId: randomUUID(),
      email,
      items: [{ productId: randomUUID(), name: 'Mug', quantity: 1, unitPrice: 100 }],
      total: 100,
      currency: 'EUR',
    });
    await h.bus.publish(confirmed);
    await h.bus.publish(invoiceIssued({ email: marker }));
    await firstMailTo(marker); // published after, so the first would have been handled by now
    await sleep(300);
    expect(await mailsTo(email)).toHaveLength(0);
    expect(await getTask(h.db, ORDER_MAILS_QUEUE, confirmed.id)).toBeUndefined();
  });

  it('when invoice.issued.v1 carries no address, then the mail goes to the registered one with the latest name', async () => {
    const userId = randomUUID();
    const email = uniqueEmail('stored');
    const registered = event('user.registered.v1', { userId, email, name: 'Old Name' });
    const renamed = event('user.profile_updated.v1', { userId, name: 'Grace' });
    await h.bus.publish(registered);
    await h.bus.publish(renamed);
    await waitFor(async () => (await getTask(h.db, USER_EVENTS_QUEUE, renamed.id))?.status === 'complete', { what: 'rename' });
    await waitFor(async () => (await getTask(h.db, USER_EVENTS_QUEUE, registered.id))?.status === 'complete', { what: 'registration' });

    const confirmed = invoiceIssued({
      userId,
      email: undefined,
      items: [{ productId: randomUUID(), name: 'Poster', quantity: 3, unitPrice: 500 }],
      total: 1500,
      currency: 'USD',
    });
    await h.bus.publish(confirmed);
    await waitFor(async () => (await mailsTo(email)).find((m) => m.Subject.startsWith('Order confirmed')), { what: 'confirmation' });
    const mail = (await mailsTo(email)).find((m) => m.Subject.startsWith('Order confirmed'))!;
    const text = (await mailBody(mail.ID)).Text;
    expect(text).toContain('Hi Grace');
    expect(text).toContain('Poster × 3  @ $5.00  = $15.00');
    expect(text).toContain('Total: $15.00');
  });

  it('when order.rejected.v1 arrives, then the user gets a notice with the reason', async () => {
    const userId = randomUUID();
    const email = uniqueEmail('rejected');
    await h.bus.publish(event('user.registered.v1', { userId, email, name: 'Linus' }));
    const rejected = event('order.rejected.v1', { orderId: randomUUID(), userId, reason: 'Payment declined' });
    await h.bus.publish(rejected);
    const mail = await waitFor(async () => (await mailsTo(email)).find((m) => m.Subject.includes('could not complete')), { what: 'notice' });
    expect((await mailBody(mail.ID)).Text).toContain('Reason: Payment declined');
  });

  it('when a mail was recorded but its outcome is unknown (crash after sending), then the resend is the same message', async () => {
    const email = uniqueEmail('crash');
    const registered = event('user.registered.v1', { userId: randomUUID(), email, name: 'Crash' });
    // What a crash between "250 OK" and the commit leaves behind: the committed journal row, no inbox row.
    await h.db('outbox_mail').insert({
      event_id: registered.id,
      event_type: registered.type,
      kind: 'welcome',
      to_address: email,
      subject: 'Welcome (first attempt)',
      text_body: 'first attempt',
      html_body: '<p>first attempt</p>',
      message_id: `<${registered.id}.welcome@mail.shop.local>`,
      status: 'pending',
      attempts: 1,
    });
    await h.bus.publish(registered);
    const mail = await firstMailTo(email);
    expect(mail.Subject).toBe('Welcome (first attempt)');
    expect(mail.MessageID).toBe(`${registered.id}.welcome@mail.shop.local`);
    expect(await mailRow(h, registered.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('when the admin views are asked for, then only admins get them, in the documented shape', async () => {
    const check = openApiChecker(emailDocument());
    const customer = await createTestUser();
    const admin = await createTestUser({ roles: ['admin'] });
    const get = (path: string, token?: string) =>
      fetch(`${h.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

    expect((await get('/api/email/admin/mails')).status).toBe(401);
    expect((await get('/api/email/admin/mails', customer.accessToken)).status).toBe(403);
    const res = await get('/api/email/admin/mails?status=sent&limit=2', admin.accessToken);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: Array<{ status: string }> };
    check('get', '/api/email/admin/mails', 200, page);
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((m: { status: string }) => m.status === 'sent')).toBe(true);
    const bad = await get('/api/email/admin/mails?status=lost', admin.accessToken);
    expect(bad.status).toBe(400);
    expect((await get('/api/email/admin/tasks', admin.accessToken)).status).toBe(200);
    expect((await get('/api/email/openapi.json')).status).toBe(200);
  });
});

describe('with SMTP down', () => {
  it('when SMTP is unreachable, then the mail is retried, not lost, and sent once SMTP is back', async () => {
    const smtp = await FlakySmtp.reserve();
    const h = await startEmail({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_RETRY_DELAYS_MS: Array(30).fill(300).join(',') });
    try {
      const email = uniqueEmail('outage');
      const registered = event('user.registered.v1', { userId: randomUUID(), email, name: 'Patient' });
      await h.bus.publish(registered);

      await waitFor(async () => ((await mailRow(h, registered.id))?.attempts ?? 0) >= 2, { what: 'two failed attempts' });
      const task = await getTask(h.db, USER_EVENTS_QUEUE, registered.id);
      expect(['pending', 'processing']).toContain(task?.status);
      expect((await mailRow(h, registered.id)).last_error).toMatch(/ECONNREFUSED|connect/i);
      expect(await mailsTo(email)).toHaveLength(0);

      await smtp.open();
      await firstMailTo(email);
      await waitFor(async () => (await getTask(h.db, USER_EVENTS_QUEUE, registered.id))?.status === 'complete', { what: 'complete' });
      expect(await mailsTo(email)).toHaveLength(1);
      expect(await mailRow(h, registered.id)).toMatchObject({ status: 'sent' });
    } finally {
      await h.close();
      await smtp.close();
    }
  });

  it('when SMTP stays down past the last retry, then the task and the mail end failed (and the event is dead-lettered)', async () => {
    const smtp = await FlakySmtp.reserve();
    const h = await startEmail({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_RETRY_DELAYS_MS: '100,100' });
    try {
      const rejected = event('order.rejected.v1', { orderId: randomUUID(), userId: randomUUID(), reason: 'Out of stock' });
      const registered = event('user.registered.v1', { userId: rejected.data.userId, email: uniqueEmail('failed'), name: 'Unlucky' });
      await h.bus.publish(registered);
      await h.bus.publish(rejected);
      for (const e of [registered, rejected]) {
        const queue = e === registered ? USER_EVENTS_QUEUE : ORDER_MAILS_QUEUE;
        await waitFor(async () => (await getTask(h.db, queue, e.id))?.status === 'failed', { what: `${e.type} failed` });
      }
      expect(await mailRow(h, registered.id)).toMatchObject({ status: 'failed', attempts: 3 });
    } finally {
      await h.close();
    }
  });
});
