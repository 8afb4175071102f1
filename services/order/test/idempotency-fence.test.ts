import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@shop/logger';
import { startRpcServer, type RpcServer } from '@shop/rpc';
import { createTestUser, waitFor } from '@shop/testing';
import { api, gateUnits, seedProduct, sleep, startOrderService, type Running } from './support.js';

/**
 * A cart service of the test's own, on gRPC as the real one: the first GetCart waits until the
 * test lets it go, which stalls the first request after it has claimed its key (the cart is
 * read after the claim).
 */
class StallingCart {
  private server?: RpcServer;
  private letGo?: () => void;
  items: Array<{ productId: string; quantity: number }> = [];
  calls = 0;

  async start(): Promise<string> {
    this.server = await startRpcServer({
      host: '127.0.0.1',
      port: 0,
      logger: createLogger('stalling-cart', 'silent'),
      apis: [
        {
          api: 'cart',
          handlers: {
            GetCart: () => {
              this.calls += 1;
              const answer = { id: randomUUID(), items: this.items };
              if (this.calls > 1) return Promise.resolve(answer);
              return new Promise((resolve) => (this.letGo = () => resolve(answer)));
            },
          },
        },
      ],
    });
    return `127.0.0.1:${this.server.port}`;
  }

  release(): void {
    const letGo = this.letGo;
    this.letGo = undefined;
    letGo?.();
  }

  async close(): Promise<void> {
    this.release();
    await this.server?.close(1_000);
  }
}

let run: Running;
const cart = new StallingCart();

beforeAll(async () => {
  const cartAddress = await cart.start();
  run = await startOrderService({ CART_GRPC_TARGET: cartAddress, IDEMPOTENCY_STALE_MS: '1000', UPSTREAM_TIMEOUT_MS: '15000' });
});

afterAll(async () => {
  await run?.close();
  await cart.close();
});

describe('a stale claim taken over (issue 10 #7)', () => {
  it('when the first request stalls past the stale window, a retry takes its key over and the first then completes, then there is one order and both answers name it', async () => {
    const user = await createTestUser();
    const productId = await seedProduct(run.service, { units: 5 });
    cart.items = [{ productId, quantity: 1 }];
    const call = api(run.url, user.accessToken);
    const key = randomUUID();

    const first = call('POST', '/api/orders', { paymentToken: 'tok_visa' }, { 'Idempotency-Key': key });
    await waitFor(() => cart.calls === 1, { what: 'the first request to read the cart (its key claimed)' });
    await sleep(1_200); // past IDEMPOTENCY_STALE_MS: the first request now looks crashed
    const second = await call('POST', '/api/orders', { paymentToken: 'tok_visa' }, { 'Idempotency-Key': key });
    expect(second.status).toBe(202);

    cart.release(); // the stalled request wakes up and tries to finish
    const late = await first;
    expect(late.status).toBe(202);
    expect(late.body.id).toBe(second.body.id);
    const orders = await run.service.db('orders').where('user_id', user.id).pluck('id');
    expect(orders).toEqual([second.body.id]);
    // The loser's gate units went back: one unit sold, not two.
    await waitFor(async () => (await gateUnits(run.service, productId)) === 4, { what: 'the lost claim to give its unit back' });
    // And the key still replays that one order.
    const again = await call('POST', '/api/orders', { paymentToken: 'tok_visa' }, { 'Idempotency-Key': key });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(second.body.id);
  });
});
