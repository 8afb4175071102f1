/** R1: RabbitMQ killed with kill -9 mid-load, restarted. 202s continue (the outbox holds), every order final after. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { startOrderLoad, statusCounts } from './load.js';
import { heal, killRabbit, sleep } from './platform.js';
import { conclude, prepare } from './scenario.js';

describe('R1: RabbitMQ killed mid-load', () => {
  afterAll(heal, 300_000);

  it('when the broker is killed under load and restarted, then orders keep getting 202 and all become final after it returns', async () => {
    const s = await prepare('R1', { stock: 1000, customers: 12 });
    const load = startOrderLoad({ customers: s.customers, productId: s.product.id, ratePerSec: 8, maxRequests: 500, maxMs: 90_000 });
    await sleep(4_000);
    const fault = { from: Date.now(), to: 0 };
    await killRabbit();
    await sleep(8_000);
    await heal();
    fault.to = Date.now();
    await sleep(4_000);
    const attempts = await load.stop();

    const books = await conclude(s, attempts, {
      title: 'RabbitMQ killed mid-load, restarted',
      injected: 'kill -9 of the RabbitMQ node (beam.smp) under 8 orders/s; restarted 8 s later with the stack\'s own step',
      mustHold: '202s continue (outbox), all orders final after it returns',
      fault,
    });
    expect(books.violations).toEqual([]);
    // The order path needs no broker: every order, during the outage too, is accepted at once.
    expect(statusCounts(attempts)).toEqual({ 202: attempts.length });
  }, 300_000);
});
