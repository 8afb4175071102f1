import { randomUUID } from 'node:crypto';
import { describe, expect, it, beforeAll } from '@jest/globals';
import { adminToken, api, newCustomers, newProduct, placeOrder, type Customer } from './api.js';

describe('idempotency keys and strict bodies through :8000', () => {
  // Separate customers per concern: each stays under the per-user order rate limit.
  let customer: Customer;
  let strict: Customer;
  let owner: Customer;
  let other: Customer;
  let productId: string;
  beforeAll(async () => {
    const admin = await adminToken();
    productId = (await newProduct(admin, { stock: 20, maxPerCustomer: 10 })).id;
    [customer, strict, owner, other] = await newCustomers(4, 'idem');
  });

  it('when the same key is sent three times at once, then one order exists', async () => {
    const key = randomUUID();
    const body = { items: [{ productId, quantity: 1 }] };
    const replies = await Promise.all([1, 2, 3].map(() => placeOrder(customer.token, body, key)));
    const ids = new Set(replies.filter((r) => r.status === 202).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(replies.every((r) => r.status === 202 || (r.status === 409 && r.body.error.code === 'IDEMPOTENCY_KEY_IN_FLIGHT'))).toBe(true);
    const again = await placeOrder(customer.token, body, key);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe([...ids][0]);
    const mine = await api('GET', '/api/orders?limit=100', { token: customer.token });
    expect(mine.body.items.filter((o: { id: string }) => ids.has(o.id))).toHaveLength(1);
  });

  it('when the same key comes with another body, then 422', async () => {
    const key = randomUUID();
    expect((await placeOrder(customer.token, { items: [{ productId, quantity: 1 }] }, key)).status).toBe(202);
    const reused = await placeOrder(customer.token, { items: [{ productId, quantity: 2 }] }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('when the key is missing, then 400', async () => {
    const res = await api('POST', '/api/orders', { token: customer.token, body: { items: [{ productId, quantity: 1 }] } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_MISSING');
  });

  it.each([['status', 'CONFIRMED'], ['total', 1], ['price', 1], ['userId', randomUUID()]])(
    'when the body sets %s, then 400 and no order is made',
    async (field, value) => {
      const before = (await api('GET', '/api/orders?limit=100', { token: strict.token })).body.items.length;
      const res = await placeOrder(strict.token, { items: [{ productId, quantity: 1 }], [field]: value });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect((await api('GET', '/api/orders?limit=100', { token: strict.token })).body.items.length).toBe(before);
    },
  );

  it("when someone reads another customer's order or cart, then 404", async () => {
    const placed = await placeOrder(owner.token, { items: [{ productId, quantity: 1 }] });
    expect(placed.status).toBe(202);
    expect((await api('GET', `/api/orders/${placed.body.id}`, { token: owner.token })).status).toBe(200);
    expect((await api('GET', `/api/orders/${placed.body.id}`, { token: other.token })).status).toBe(404);
    const cart = await api('GET', '/api/cart', { token: owner.token });
    expect((await api('GET', '/api/cart', { token: other.token, headers: { 'X-Cart-Id': cart.body.id } })).body.id).not.toBe(cart.body.id);
    expect((await api('GET', '/api/cart', { headers: { 'X-Cart-Id': cart.body.id } })).status).toBe(404);
  });
});
