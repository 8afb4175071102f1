import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestUser, type TestUser } from '@shop/testing';
import { api, gateUnits, seedProduct, startOrderService, type Running } from './support.js';

/** A port that nothing listens on (taken and let go). */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

let run: Running;
let user: TestUser;

beforeAll(async () => {
  const [cartPort, stockPort] = await Promise.all([closedPort(), closedPort()]);
  // Both "replicas" of each peer down; a deadline long enough that a hang would show.
  run = await startOrderService({
    CART_GRPC_TARGET: `127.0.0.1:${cartPort},127.0.0.1:${cartPort}`,
    INVENTORY_GRPC_TARGET: `127.0.0.1:${stockPort}`,
    UPSTREAM_TIMEOUT_MS: '5000',
  });
  user = await createTestUser();
});
afterAll(async () => {
  await run?.close();
});

describe('when the gRPC peers are down', () => {
  it('when an order is placed from the cart and the cart service is down, then 503 DEPENDENCY_UNAVAILABLE at once, not at the deadline', async () => {
    const started = Date.now();
    const res = await api(run.url, user.accessToken)('POST', '/api/orders', { paymentToken: 'tok_visa' }, { 'Idempotency-Key': randomUUID() });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(res.body.error.message).toMatch(/cart service/);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await run.service.db('orders').where('user_id', user.id).count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('when the sale gate has no counter and inventory is down, then the gate steps aside and Postgres decides (202), fast', async () => {
    const productId = await seedProduct(run.service); // no gate key: the gate would seed it from inventory
    const started = Date.now();
    const res = await api(run.url, user.accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 1 }], paymentToken: 'tok_visa' }, { 'Idempotency-Key': randomUUID() });
    expect(res.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await gateUnits(run.service, productId)).toBeNull();
  });
});
