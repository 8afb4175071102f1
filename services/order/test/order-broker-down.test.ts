import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@shop/logger';
import { Broker, startOutboxRelay } from '@shop/messaging';
import { createTestUser, testEnv, waitFor } from '@shop/testing';
import { api, seedProduct, sleep, startOrderService } from './support.js';

// Its own file: no other instance's relay may share the database while the broker is "down".
describe('when RabbitMQ is down', () => {
  it('then an order is still accepted, its outbox row waits, and a working relay publishes it', async () => {
    const user = await createTestUser();
    const offline = await startOrderService({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:1/test' });
    try {
      const productId = await seedProduct(offline.service, { units: 3 });
      const res = await api(offline.url, user.accessToken)('POST', '/api/orders', { items: [{ productId, quantity: 1 }] }, { 'Idempotency-Key': randomUUID() });
      expect(res.status).toBe(202);
      await sleep(500);
      const row = await offline.service.db('outbox').where('type', 'order.placed.v1').whereRaw("payload->'data'->>'orderId' = ?", [res.body.id]).first();
      expect(row.published_at).toBeNull();

      const broker = Broker.connect({ url: testEnv('order').AMQP_URL, logger: createLogger('relay-test', 'silent'), serviceName: 'relay-test' });
      const recovered = startOutboxRelay({ db: offline.service.db, broker, logger: createLogger('relay-test', 'silent') });
      try {
        await waitFor(async () => (await offline.service.db('outbox').where('id', row.id).first()).published_at !== null, { what: 'outbox row published' });
      } finally {
        await recovered.stop();
        await broker.close();
      }
    } finally {
      await offline.close();
    }
  });
});

