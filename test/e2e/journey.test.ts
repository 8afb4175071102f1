import { describe, expect, it, beforeAll } from '@jest/globals';
import { adminToken, api, finalOrder, mailsTo, newCustomer, newProduct, placeOrder, until } from './api.js';

describe('a customer journey through :8000', () => {
  let admin: string;
  beforeAll(async () => {
    admin = await adminToken();
  });

  it('when a new customer browses, fills a cart and orders, then the order is CONFIRMED, one mail arrives and the cart is empty', async () => {
    const product = await newProduct(admin, { stock: 10, price: 1999 });
    const customer = await newCustomer('journey');

    const listing = await api('GET', '/api/products?limit=5');
    expect(listing.status).toBe(200);
    expect(listing.body.items).toHaveLength(5);

    const added = await api('POST', '/api/cart/items', { token: customer.token, body: { productId: product.id, quantity: 2 } });
    expect([200, 201]).toContain(added.status);
    const cart = await api('GET', '/api/cart', { token: customer.token });
    expect(cart.body.subtotal).toBe(3998);

    const placed = await placeOrder(customer.token, { paymentToken: 'tok_visa' });
    expect(placed.status).toBe(202);
    expect(placed.body.status).toBe('PENDING');
    expect(placed.body.total).toBe(3998);

    const order = await finalOrder(customer.token, placed.body.id);
    expect(order.status).toBe('CONFIRMED');
    expect(order.statusHistory.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'RESERVED', 'CONFIRMED']);

    const confirmations = await until(async () => {
      const mails = (await mailsTo(customer.email)).filter((m) => /order/i.test(m.Subject) && /confirm/i.test(m.Subject));
      return mails.length > 0 ? mails : undefined;
    }, 'the confirmation mail');
    await new Promise((r) => setTimeout(r, 1000)); // a second copy, if any, would arrive now
    expect((await mailsTo(customer.email)).filter((m) => /confirm/i.test(m.Subject))).toHaveLength(confirmations.length);
    expect(confirmations).toHaveLength(1);

    await until(async () => (await api('GET', '/api/cart', { token: customer.token })).body.items.length === 0, 'the cart to be cleared');
  });
});
