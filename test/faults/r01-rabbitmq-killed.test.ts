/** R1: RabbitMQ killed with kill -9 mid-load, restarted. 202s continue (the outbox holds), every order final after. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { statusCounts } from './load.js';
import { heal, killRabbit } from './platform.js';
import { conclude, KILL_PLAN, killedFor8s, prepare, underLoad } from './scenario.js';

describe('R1: RabbitMQ killed mid-load', () => {
  afterAll(heal, 300_000);

  it('when the broker is killed under load and restarted, then orders keep getting 202 and all become final after it returns', async () => {
    const s = await prepare('R1', { stock: 1000, customers: 12 });
    const { attempts, fault } = await underLoad(s, KILL_PLAN, killedFor8s(killRabbit));

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
