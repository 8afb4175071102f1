/**
 * Stops RabbitMQ under the running platform, places orders, starts it again, and checks
 * that every order reaches a final state. Runs after every other suite (scripts/test.sh)
 * because it takes the broker away from everything.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it, afterAll } from '@jest/globals';
import { adminToken, finalOrder, newCustomers, newProduct, placeOrder, until } from '../e2e/api.js';

const rabbitctl = (...args: string[]) => execFileSync('rabbitmqctl', args, { stdio: 'pipe', timeout: 60_000 });

describe('RabbitMQ stopped while orders are placed', () => {
  afterAll(() => {
    rabbitctl('start_app'); // never leave the broker down, whatever happened
  });

  it('when the broker is down, then orders still get 202, and all become final after it returns', async () => {
    const admin = await adminToken();
    const product = await newProduct(admin, { stock: 100, maxPerCustomer: 10 });
    const customers = await newCustomers(3, 'outage');

    rabbitctl('stop_app');
    const started = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 9 }, (_, n) => placeOrder(customers[n % 3].token, { items: [{ productId: product.id, quantity: 1 }] })),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(replies.map((r) => r.status)).toEqual(Array(9).fill(202));

    rabbitctl('start_app');
    await until(async () => {
      const res = await fetch('http://127.0.0.1:8000/api/orders', { headers: { authorization: `Bearer ${customers[0].token}` } });
      return res.status === 200;
    }, 'the platform to answer again', 30_000);
    const finals = await Promise.all(replies.map((r, n) => finalOrder(customers[n % 3].token, r.body.id, 60_000)));
    expect(finals.every((o) => o.status === 'CONFIRMED')).toBe(true);
  });
});
