import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { shuffleTickets } from '../../services/order/src/domain/drop-fairness.js';
import { adminStock, adminToken, api, finalOrder, newCustomers, newProduct, until, type Customer } from './api.js';

const join = (c: Customer, id: string) => api('POST', `/api/drops/${id}/queue`, { token: c.token });
const poll = (c: Customer, id: string) => api('GET', `/api/drops/${id}/queue/me`, { token: c.token });
const order = (c: Customer, productId: string, token?: string, key = randomUUID()) =>
  api('POST', '/api/orders', {
    token: c.token,
    body: { items: [{ productId, quantity: 1 }], paymentToken: 'tok_visa' },
    headers: { 'Idempotency-Key': key, ...(token ? { 'X-Admission-Token': token } : {}) },
  });

describe('a drop through the edge', () => {
  it('when buyers queue for 3 units, then the pre-queue follows the revealed shuffle, FIFO after, only admitted buyers buy, and the rest read SOLD_OUT', async () => {
    const admin = await adminToken();
    const product = await newProduct(admin, { stock: 3, maxPerCustomer: 1 });
    const created = await api('POST', '/api/drops', {
      token: admin,
      body: { productId: product.id, opensAt: new Date(Date.now() + 5_000).toISOString(), admitPerSecond: 20, holdSeconds: 30 },
    });
    expect(created.status).toBe(201);
    const dropId: string = created.body.id;
    const [early1, early2, late1, late2, bot] = await newCustomers(5, 'drop');

    // Before the open: the product cannot be bought around the queue either.
    expect((await order(bot, product.id)).body.error.code).toBe('ADMISSION_REQUIRED');
    const tickets = new Map<string, Customer>();
    for (const c of [early1, early2]) {
      const t = await join(c, dropId);
      expect(t.status).toBe(200);
      expect(t.body).toMatchObject({ state: 'WAITING', preQueue: true });
      tickets.set(t.body.ticketId, c);
    }
    expect((await join(early1, dropId)).body.ticketId).toBe([...tickets.keys()][0]);

    await until(async () => (await api('GET', `/api/drops/${dropId}`)).body?.status === 'OPEN', 'the open', 15_000);
    for (const c of [late1, late2]) expect((await join(c, dropId)).body.preQueue).toBe(false);

    // The seed matches the commitment; the order recomputes from it and the ticket list.
    const fair = (await api('GET', `/api/drops/${dropId}/fairness`)).body;
    expect(createHash('sha256').update(fair.seed).digest('hex')).toBe(created.body.fairness.seedHash);
    expect(fair.order).toEqual(shuffleTickets(fair.seed, [...tickets.keys()]));
    const ranked = [...fair.order.map((t: string) => tickets.get(t)!), late1, late2];

    // Three units, cap 1: the pre-queue in shuffle order, then the first late joiner.
    const admissions: string[] = [];
    for (const [i, c] of ranked.slice(0, 3).entries()) {
      const t = await until(async () => {
        const p = await poll(c, dropId);
        return p.body.state === 'ADMITTED' ? p.body : undefined;
      }, `admission ${i + 1}`);
      expect(t.admission.number).toBe(i + 1);
      admissions.push(t.admission.token as string);
    }
    expect((await poll(late2, dropId)).body).toMatchObject({ state: 'WAITING', position: 1 });

    // A bot and a borrowed token are refused; the admitted buyers buy, once each.
    expect((await order(bot, product.id)).status).toBe(403);
    expect((await order(bot, product.id, admissions[0])).body.error.code).toBe('ADMISSION_REQUIRED');
    const placed = await Promise.all(ranked.slice(0, 3).map((c, i) => order(c, product.id, admissions[i])));
    for (const p of placed) expect(p.status).toBe(202);
    expect((await order(ranked[0], product.id, admissions[0])).body.error.code).toBe('ADMISSION_REQUIRED');
    for (const [i, p] of placed.entries()) expect((await finalOrder(ranked[i].token, p.body.id)).status).toBe('CONFIRMED');

    expect((await poll(late2, dropId)).body.state).toBe('SOLD_OUT');
    const status = await until(async () => {
      const s = await api('GET', `/api/drops/${dropId}`, { token: late2.token });
      return s.body.status === 'SOLD_OUT' ? s : undefined;
    }, 'the drop to read SOLD_OUT');
    expect(status.body).toMatchObject({ unitsLeft: 0, admitted: 3 });
    // The status is the same for everyone: a signed-in reader is served from the edge cache too.
    const again = await api('GET', `/api/drops/${dropId}`, { token: late1.token });
    expect(['HIT', 'UPDATING', 'STALE']).toContain(again.headers.get('x-cache-status'));

    const stock = await until(async () => {
      const s = await adminStock(admin, product.id);
      return s.reserved === 0 ? s : undefined;
    }, 'the sale to settle');
    expect(stock).toMatchObject({ available: 0, reserved: 0, sold: 3 });
  }, 90_000);
});
