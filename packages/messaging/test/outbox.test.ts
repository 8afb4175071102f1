import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Knex } from '@shop/db';
import { makeEvent, type EventEnvelope } from '@shop/contracts';
import { randomUUID } from 'node:crypto';
import { Broker, EVENTS_EXCHANGE, enqueueEvent, startOutboxRelay, type OutboxRelay } from '../src/index.js';
import { connectedBroker, eventually, dropDb, freshDb, logger, RabbitProbe, sleep, uniq } from './helpers.js';

let db: Knex;
let probe: RabbitProbe;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  db = await freshDb();
  probe = await RabbitProbe.open();
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await probe.close();
  await dropDb(db);
});

/** A queue bound to a type nobody else publishes, so the count is exactly ours. */
async function privateStream(): Promise<{ type: string; queue: string }> {
  const type = `relaytest.${uniq('t')}.v1`;
  const queue = uniq('relaytest.');
  probe.track(queue);
  await probe.ch.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true, alternateExchange: 'shop.unrouted' });
  await probe.ch.assertQueue(queue, { durable: false });
  await probe.ch.bindQueue(queue, EVENTS_EXCHANGE, type);
  return { type, queue };
}

const rawEvent = (type: string, n: number): EventEnvelope => ({
  ...makeEvent('product.deleted.v1', { productId: randomUUID() }, { source: 'test' }),
  type,
  data: { n },
});

async function relayWith(broker: Broker | Parameters<typeof startOutboxRelay>[0]['broker']): Promise<OutboxRelay> {
  const relay = startOutboxRelay({ db, broker, logger, intervalMs: 50, batchSize: 20 });
  cleanup.push(() => relay.stop());
  return relay;
}

describe('outbox relay', () => {
  it('when two relays drain the same outbox, then every enqueued event is published exactly once', async () => {
    const { type, queue } = await privateStream();
    const events = Array.from({ length: 150 }, (_, i) => rawEvent(type, i));
    await db.transaction((trx) => enqueueEvent(trx, events));

    const [a, b] = [await connectedBroker('relay-a'), await connectedBroker('relay-b')];
    cleanup.push(() => a.close(), () => b.close());
    await Promise.all([relayWith(a), relayWith(b)]);

    const ids = events.map((e) => e.id);
    await eventually(async () => (await db('outbox').whereIn('id', ids).whereNull('published_at').count({ n: '*' }))[0].n === 0);
    await sleep(200); // let any duplicate arrive before counting
    const received = (await probe.drain(queue)).map((m) => m.properties.messageId as string);
    expect(received).toHaveLength(150);
    expect(new Set(received)).toEqual(new Set(ids));
  });

  it('when the business transaction rolls back, then its event is never published', async () => {
    const { type, queue } = await privateStream();
    const event = rawEvent(type, 1);
    await expect(
      db.transaction(async (trx) => {
        await enqueueEvent(trx, event);
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const broker = await connectedBroker();
    cleanup.push(() => broker.close());
    (await relayWith(broker)).kick();
    await sleep(300);
    expect(await probe.count(queue)).toBe(0);
    expect(await db('outbox').where('id', event.id).first()).toBeUndefined();
  });

  it('when a publish fails, then the row stays unpublished with the error and a later tick publishes it', async () => {
    const { type, queue } = await privateStream();
    const [flaky, fine] = [rawEvent(type, 1), rawEvent(type, 2)];
    await db.transaction((trx) => enqueueEvent(trx, [flaky, fine]));
    const broker = await connectedBroker();
    cleanup.push(() => broker.close());
    let failures = 0;
    const publisher = {
      isConnected: () => broker.isConnected(),
      publish: async (e: EventEnvelope) => {
        if (e.id === flaky.id && failures < 2) {
          failures++;
          throw new Error('nack from broker');
        }
        return broker.publish(e);
      },
    };
    await relayWith(publisher);

    const row = await eventually(async () => {
      const r = await db('outbox').where('id', flaky.id).first();
      return r?.published_at ? r : undefined;
    });
    expect(row.attempts).toBe(2);
    expect(row.last_error).toBeNull();
    const received = await eventually(async () => {
      const all = await probe.drain(queue);
      return all.length ? all : undefined;
    });
    await sleep(100);
    received.push(...(await probe.drain(queue)));
    expect(received.map((m) => m.properties.messageId).sort()).toEqual([flaky.id, fine.id].sort());
  });

  it('when the broker comes back, then rows held during the outage go out at once, not at the next fallback poll', async () => {
    const { type, queue } = await privateStream();
    const event = rawEvent(type, 1);
    await db.transaction((trx) => enqueueEvent(trx, event));
    const broker = await connectedBroker();
    cleanup.push(() => broker.close());
    let up = false;
    const listeners: Array<() => void> = [];
    const publisher = { isConnected: () => up, publish: (e: EventEnvelope) => broker.publish(e), onConnected: (l: () => void) => void listeners.push(l) };
    const relay = startOutboxRelay({ db, broker: publisher, logger, intervalMs: 600_000, batchSize: 20 });
    cleanup.push(() => relay.stop());
    await sleep(200); // the first tick ran while "down"; the next poll is 10 minutes away
    expect(await probe.count(queue)).toBe(0);
    up = true;
    listeners.forEach((l) => l());
    await eventually(async () => (await db('outbox').where('id', event.id).first())?.published_at);
    expect(await probe.count(queue)).toBe(1);
  });

  it('when the broker is unreachable, then connect returns at once and publish rejects fast', async () => {
    const started = Date.now();
    const broker = Broker.connect({ url: 'amqp://guest:guest@127.0.0.1:1/nowhere', logger, serviceName: 'down' });
    cleanup.push(() => broker.close());
    expect(broker.isConnected()).toBe(false);
    await expect(broker.publish(rawEvent('relaytest.down.v1', 1))).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', status: 503 });
    expect(Date.now() - started).toBeLessThan(500);
  });
});
