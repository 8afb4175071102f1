import { describe, expect, it } from '@jest/globals';
import { ordersServedBy, replicaPorts } from '../stack.js';
import { adminStock, adminToken, finalOrder, newCustomers, newProduct, placeOrder, until } from './api.js';

describe('the drop, in small: 50 units, 200 concurrent orders', () => {
  it('when 200 orders race for 50 units across every order replica, then exactly 50 are CONFIRMED and stock is conserved', async () => {
    const admin = await adminToken();
    const product = await newProduct(admin, { stock: 50, maxPerCustomer: 10 });
    // 40 customers x 5 orders: each stays under the per-user order rate limit (10 per 10 s).
    const customers = await newCustomers(40, 'race');
    const before = await Promise.all(replicaPorts('order').map(ordersServedBy));

    const attempts = Array.from({ length: 200 }, (_, n) =>
      placeOrder(customers[n % customers.length].token, { items: [{ productId: product.id, quantity: 1 }], paymentToken: 'tok_visa' }),
    );
    const replies = await Promise.all(attempts);

    const after = await Promise.all(replicaPorts('order').map(ordersServedBy));
    for (const [i, served] of after.entries()) expect({ replica: i + 1, served: served > before[i] }).toEqual({ replica: i + 1, served: true });

    const accepted = replies.filter((r) => r.status === 202);
    const refused = replies.filter((r) => r.status === 409);
    expect(refused.every((r) => r.body.error.code === 'OUT_OF_STOCK')).toBe(true);
    expect(accepted.length + refused.length).toBe(200);

    const finals = await Promise.all(
      accepted.map((r) => finalOrder(customers[replies.indexOf(r) % customers.length].token, r.body.id, 30_000)),
    );
    const confirmed = finals.filter((o) => o.status === 'CONFIRMED');
    expect(confirmed).toHaveLength(50);
    expect(finals.filter((o) => o.status !== 'CONFIRMED').every((o) => o.status === 'REJECTED')).toBe(true);

    // Inventory commits the sale when it consumes order.confirmed.v1, just after the order flips.
    const stock = await until(async () => {
      const s = await adminStock(admin, product.id);
      return s.reserved === 0 ? s : undefined;
    }, 'the reservations to settle');
    expect(stock).toMatchObject({ available: 0, reserved: 0, sold: 50, added: 50 });
  });
});
