import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, hungLink, waitFor, type HungLink, type TestUser } from '@shop/testing';
import { api, seedProduct, startOrderService, type Running } from './support.js';
import { Peers } from './peers.js';

/**
 * The cart read when the cart service is reachable and does not answer (fault R11's shape, for
 * the cart): the real cart service behind a relay that goes silent. The order path needs the
 * cart's answer, so an order from the cart is a 503; after two failures in a row and an
 * unanswered probe it is that 503 at once instead of after the call's deadline, until a probe is
 * answered.
 */
describe('when the cart service does not answer the order service', () => {
  let peers: Peers;
  let link: HungLink;
  let run: Running;
  let user: TestUser;

  beforeAll(async () => {
    peers = new Peers();
    await peers.start();
    const [host, port] = peers.cart!.grpcAddress.split(':');
    link = await hungLink({ host, port: Number(port) });
    run = await startOrderService({ INVENTORY_GRPC_TARGET: peers.inventory!.grpcAddress, CART_GRPC_TARGET: `127.0.0.1:${link.port}`, UPSTREAM_TIMEOUT_MS: '300' });
    user = await createTestUser();
  }, 120_000);
  afterAll(async () => {
    link?.set('off');
    await run?.close();
    await link?.close();
    await peers?.close();
  });

  it('then orders from the cart are 503 with Retry-After, only the first three wait for the deadline, and orders from the cart are taken again once it answers', async () => {
    const productId = await seedProduct(run.service, { price: 500, units: 100 });
    await peers.createProduct(productId, { price: 500, initialStock: 100 });
    await peers.addToCart(user.accessToken, productId, 1);
    const place = () => api(run.url, user.accessToken)('POST', '/api/orders', { paymentToken: 'tok_visa' }, { 'Idempotency-Key': randomUUID() });
    expect((await place()).status).toBe(202);

    link.set('hold');
    const answers: Array<[number, string | null, number]> = [];
    for (let i = 0; i < 6; i++) {
      const started = Date.now();
      const res = await place();
      answers.push([res.status, res.headers.get('retry-after'), Date.now() - started]);
      expect(res.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
    }
    expect(answers.map(([status, retryAfter]) => [status, retryAfter])).toEqual(Array.from({ length: 6 }, () => [503, '1']));
    // Two failures, then a probe unanswered as well (sent beside the third): the rest do not ask.
    for (const [, , ms] of answers.slice(0, 3)) expect(ms).toBeGreaterThanOrEqual(290);
    expect(Math.max(...answers.slice(3).map(([, , ms]) => ms))).toBeLessThan(150);

    link.set('off');
    await waitFor(async () => ((await place()).status === 202 ? true : undefined), { timeoutMs: 10_000, intervalMs: 300, what: 'orders from the cart to be taken again' });
  }, 90_000);
});
