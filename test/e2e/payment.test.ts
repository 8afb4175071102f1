import { describe, expect, it } from '@jest/globals';
import { adminStock, adminToken, finalOrder, newCustomer, newProduct, placeOrder, until } from './api.js';

describe('payment outcomes through :8000', () => {
  it('when the card is declined, then the order is REJECTED and the stock comes back', async () => {
    const admin = await adminToken();
    const product = await newProduct(admin, { stock: 3 });
    const customer = await newCustomer('declined');
    const placed = await placeOrder(customer.token, { items: [{ productId: product.id, quantity: 2 }], paymentToken: 'tok_declined' });
    expect(placed.status).toBe(202);
    const order = await finalOrder(customer.token, placed.body.id);
    expect(order.status).toBe('REJECTED');
    await until(async () => {
      const stock = await adminStock(admin, product.id);
      return stock.available === 3 && stock.reserved === 0 && stock.sold === 0;
    }, 'the released stock');
  });
});
