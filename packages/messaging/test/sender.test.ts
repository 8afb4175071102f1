/**
 * Who may send what, against the real contract table (@shop/contracts ALLOWED_SENDERS) and
 * the services' own broker users, which the jest global setup grants on this vhost as
 * scripts/broker-setup.ts does on the stack's (provision.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import type { Knex } from '@shop/db';
import { makeEvent } from '@shop/contracts';
import { Broker, dlqName, EVENTS_EXCHANGE, getTask, MessageHeaders, PermanentError, replayDeadLetters, retryQueueName } from '../src/index.js';
import { eventsRefused } from '../src/metrics.js';
import { AMQP_URL, eventually, dropDb, freshDb, logger, RabbitProbe, serviceAmqpUrl, sleep, uniq } from './helpers.js';

/** Generous: the machine is shared, and a slow run must not read as a refusal that did not happen. */
const WAIT_MS = 15_000;

let db: Knex;
let probe: RabbitProbe;
const brokers: Broker[] = [];

async function as(service: string, url = serviceAmqpUrl(service)): Promise<Broker> {
  // The real table: no `senders` option.
  const broker = Broker.connect({ url, logger, serviceName: `sender-test-${service}`, publishTimeoutMs: 2_000 });
  brokers.push(broker);
  await broker.waitUntilConnected();
  return broker;
}

beforeAll(async () => {
  db = await freshDb();
  probe = await RabbitProbe.open();
});
afterAll(async () => {
  for (const b of brokers) await b.close();
  await probe.close();
  await dropDb(db);
});

const deleted = (source = 'product-1') => makeEvent('product.deleted.v1', { productId: randomUUID() }, { source });

/** An inventory-owned queue (its user may configure only `inventory.*`), deleted after the run. */
function queueName(delays: number[]): string {
  const queue = uniq('inventory.sender-test-');
  probe.track(queue, dlqName(queue), ...delays.map((d) => retryQueueName(queue, d)));
  return queue;
}

const refusedCount = async (queue: string) =>
  (await eventsRefused.get()).values.filter((v) => v.labels.queue === queue).reduce((n, v) => n + v.value, 0);

describe('allowed senders', () => {
  it('when product sends a product event and the handler fails once, then the consumer runs it again from its retry queue and completes it', async () => {
    const delays = [100];
    const queue = queueName(delays);
    const inventory = await as('inventory');
    let calls = 0;
    const sub = inventory.consume({
      queue,
      events: ['product.deleted.v1'],
      db,
      retryDelaysMs: delays,
      handle: async () => {
        if (++calls === 1) throw new Error('flaky');
      },
    });
    await sub.waitUntilActive();
    const event = deleted();
    await (await as('product')).publish(event);
    await eventually(async () => (await getTask(db, queue, event.id))?.status === 'complete', WAIT_MS);
    expect(calls).toBe(2);
    await sub.cancel();
  });

  it('when guest (an administrator) or a raw publisher with a forged sender header sends a product event, then the consumer dead-letters it unhandled and counts it', async () => {
    const queue = queueName([100]);
    const inventory = await as('inventory');
    let calls = 0;
    const sub = inventory.consume({ queue, events: ['product.deleted.v1'], db, retryDelaysMs: [100], handle: async () => void calls++ });
    await sub.waitUntilActive();

    // guest's user_id is validated, but guest may not send product events.
    const byGuest = deleted();
    await (await as('guest', AMQP_URL)).publish(byGuest);
    // No user_id at all, and a header claiming product: the header counts only on the consumer's own copies.
    const forged = deleted();
    probe.ch.publish(EVENTS_EXCHANGE, forged.type, Buffer.from(JSON.stringify(forged)), {
      messageId: forged.id,
      persistent: true,
      headers: { [MessageHeaders.sender]: 'product' },
    });

    await eventually(async () => (await probe.count(dlqName(queue))) === 2, WAIT_MS);
    expect(calls).toBe(0);
    expect(await refusedCount(queue)).toBe(2);
    // No task row: a forger picks the id, and must not mark a real event's task failed.
    expect(await getTask(db, queue, byGuest.id)).toBeUndefined();
    await sub.cancel();
    const letters = await probe.drain(dlqName(queue));
    expect(letters.map((m) => String(m.properties.headers?.[MessageHeaders.dlqReason])).sort()).toEqual([
      expect.stringMatching(/^forbidden sender: a publisher without a verified user_id may not send product\.deleted\.v1/),
      expect.stringMatching(/^forbidden sender: guest may not send product\.deleted\.v1/),
    ]);
  });

  it('when the dead-letter queue holds a refused event beside one that failed, then a replay moves the failed one, leaves the refused one where it is with why, and a second replay leaves it again', async () => {
    const queue = queueName([]);
    const inventory = await as('inventory');
    let broken = true;
    const handled: string[] = [];
    const consume = () => inventory.consume({
      queue,
      events: ['product.deleted.v1'],
      db,
      retryDelaysMs: [],
      handle: async (event) => {
        if (broken) throw new PermanentError('not yet');
        handled.push(event.id);
      },
    });
    let sub = consume();
    await sub.waitUntilActive();
    const forged = deleted();
    await (await as('guest', AMQP_URL)).publish(forged);
    const legit = deleted();
    await (await as('product')).publish(legit);
    await eventually(async () => (await probe.count(dlqName(queue))) === 2, WAIT_MS);
    await sub.cancel();

    broken = false;
    // As the queue's own user: the only one who may publish its copies' user_id.
    const url = serviceAmqpUrl('inventory');
    const dry = await replayDeadLetters(url, queue, { dryRun: true });
    expect({ moved: dry.moved.map((d) => d.messageId), left: dry.left.map((d) => d.messageId) }).toEqual({ moved: [legit.id], left: [forged.id] });
    expect(await probe.count(dlqName(queue))).toBe(2);

    const first = await replayDeadLetters(url, queue);
    expect(first.moved.map((d) => d.messageId)).toEqual([legit.id]);
    expect(first.left).toEqual([expect.objectContaining({ messageId: forged.id, type: 'product.deleted.v1', why: 'guest may not send product.deleted.v1: the consumer would refuse it again' })]);
    expect(first.failed).toEqual([]);
    sub = consume();
    await sub.waitUntilActive();
    await eventually(async () => handled.length === 1 && (await probe.count(queue)) === 0, WAIT_MS);
    expect(handled).toEqual([legit.id]);
    expect(await probe.count(dlqName(queue))).toBe(1);

    const second = await replayDeadLetters(url, queue);
    expect({ moved: second.moved.length, left: second.left.map((d) => d.messageId) }).toEqual({ moved: 0, left: [forged.id] });
    const [kept] = await probe.drain(dlqName(queue));
    expect(JSON.parse(kept.content.toString()).id).toBe(forged.id);
    expect(String(kept.properties.headers?.[MessageHeaders.dlqReason])).toMatch(/^forbidden sender: guest/);
    await sub.cancel();
  });

  it('when a batched consumer gets a forged event among real ones, then only the forged one is dead-lettered', async () => {
    const queue = queueName([100]);
    const inventory = await as('inventory');
    const handled: string[] = [];
    const sub = inventory.consumeBatch({
      queue,
      events: ['product.deleted.v1'],
      db,
      retryDelaysMs: [100],
      batchSize: 10,
      maxWaitMs: 50,
      handleBatch: async (events) => void handled.push(...events.map((e) => e.id)),
    });
    await sub.waitUntilActive();
    const product = await as('product');
    const real = [deleted(), deleted()];
    const forged = deleted();
    await Promise.all([product.publish(real[0]), (await as('guest', AMQP_URL)).publish(forged), product.publish(real[1])]);
    await eventually(async () => handled.length === 2 && (await probe.count(dlqName(queue))) === 1, WAIT_MS);
    expect(handled.sort()).toEqual(real.map((e) => e.id).sort());
    await sub.cancel();
  });

  it('when cart publishes a product routing key, or guest claims to be product in user_id, then the broker refuses the publish', async () => {
    const cart = await as('cart');
    await expect(cart.publish(deleted('cart-1'))).rejects.toThrow(/publish/);

    const conn = await amqp.connect(AMQP_URL);
    conn.on('error', () => {});
    try {
      const ch = await conn.createConfirmChannel();
      ch.on('error', () => {});
      const forged = deleted();
      const published = new Promise<void>((resolve, reject) =>
        ch.publish(EVENTS_EXCHANGE, forged.type, Buffer.from(JSON.stringify(forged)), { userId: 'product' }, (err) => (err ? reject(err) : resolve())));
      await expect(published).rejects.toBeTruthy();
    } finally {
      await sleep(50);
      await conn.close().catch(() => {});
    }
  });
});
