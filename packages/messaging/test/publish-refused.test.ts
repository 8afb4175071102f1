/**
 * A publish the broker refuses. RabbitMQ closes the channel over a routing key the connection's
 * user may not write (its topic permissions: ACCESS_REFUSED). The Broker used to answer that by
 * closing its whole connection: every consumer's channel went with it (what they were handling
 * was redelivered), and the outbox relay, whose refused row was first in every batch, failed the
 * batch and did it all again on every reconnect, so no event of the service went out at all.
 * As the product service's own broker user, with the real sender table.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Knex } from '@shop/db';
import { makeEvent, type EventEnvelope } from '@shop/contracts';
import { Broker, dlqName, enqueueEvent, publishRefused, startOutboxRelay } from '../src/index.js';
import { dropDb, eventually, freshDb, logger, RabbitProbe, serviceAmqpUrl, sleep, uniq } from './helpers.js';

/** Generous: the machine is shared. What it bounds is "promptly", not a benchmark. */
const WAIT_MS = 8_000;

let db: Knex;
let probe: RabbitProbe;
let broker: Broker;

beforeAll(async () => {
  db = await freshDb();
  probe = await RabbitProbe.open();
  broker = Broker.connect({ url: serviceAmqpUrl('product'), logger, serviceName: uniq('publish-refused-'), publishTimeoutMs: 2_000 });
  await broker.waitUntilConnected();
});
afterAll(async () => {
  await broker?.close();
  await probe?.close();
  await dropDb(db);
});

const deleted = () => makeEvent('product.deleted.v1', { productId: randomUUID() }, { source: 'product-1' });
const refusedCount = async (type: string) => (await publishRefused.get()).values.filter((v) => v.labels.type === type).reduce((n, v) => n + v.value, 0);
const unpublished = async (ids: string[]) => db('outbox').whereIn('id', ids).whereNull('published_at').select('id', 'attempts', 'last_error');

describe('a publish the broker refuses', () => {
  it('when an outbox row names a routing key the service may not write, then the rows behind it go out at once, a consumer mid-message is not interrupted, and the row waits, counted', async () => {
    const queue = uniq('product.publish-refused-');
    probe.track(queue, dlqName(queue));
    const handled: string[] = [];
    let slowDone = false;
    const slow = deleted();
    const sub = broker.consume({
      queue,
      events: ['product.deleted.v1'],
      retryDelaysMs: [],
      handle: async (event) => {
        handled.push(event.id);
        if (event.id === slow.id) {
          await sleep(2_000); // still handling it while the refusal happens
          slowDone = true;
        }
      },
    });
    await sub.waitUntilActive();
    await broker.publish(slow);
    await eventually(() => handled.includes(slow.id), WAIT_MS);

    // Product may not send user events: the broker refuses this one. It is the oldest row.
    const forbidden = makeEvent('user.registered.v1', { userId: randomUUID(), email: 'refused@example.test', name: 'Refused' }, { source: 'product-1' });
    await db.transaction((trx) => enqueueEvent(trx, forbidden));
    await sleep(5); // created_at is the transaction's start: the refused row is first in line
    const behind: EventEnvelope[] = [deleted(), deleted(), deleted()];
    await db.transaction((trx) => enqueueEvent(trx, behind));
    const relay = startOutboxRelay({ db, broker, logger, intervalMs: 200, batchSize: 20 });
    try {
      const before = await refusedCount(forbidden.type);
      relay.kick();
      await eventually(async () => (await unpublished(behind.map((e) => e.id))).length === 0, WAIT_MS);
      await eventually(() => behind.every((e) => handled.includes(e.id)), WAIT_MS);

      // The consumer kept its channel: the message it was handling was acked, not redelivered.
      await eventually(() => slowDone, WAIT_MS);
      await sleep(500);
      expect(handled.filter((id) => id === slow.id)).toHaveLength(1);
      expect(sub.isActive()).toBe(true);

      // The refused row waits, with why, and is counted.
      const [row] = await unpublished([forbidden.id]);
      expect(row).toMatchObject({ id: forbidden.id, last_error: expect.stringMatching(/ACCESS_REFUSED/) });
      expect(row.attempts).toBeGreaterThanOrEqual(1);
      expect(await refusedCount(forbidden.type)).toBeGreaterThan(before);

      // And the service keeps publishing promptly while the refused type is held back.
      const later = deleted();
      await db.transaction((trx) => enqueueEvent(trx, later));
      const at = Date.now();
      relay.kick();
      await eventually(() => handled.includes(later.id), WAIT_MS);
      expect(Date.now() - at).toBeLessThan(2_000);
      expect(broker.isConnected()).toBe(true);
    } finally {
      await relay.stop();
      await sub.cancel();
    }
  }, 60_000);

  it('when a publish is refused directly, then the caller gets a PublishRefusedError and the next publish goes out on a fresh channel', async () => {
    const queue = uniq('product.publish-refused-');
    probe.track(queue, dlqName(queue));
    const handled: string[] = [];
    const sub = broker.consume({ queue, events: ['product.deleted.v1'], retryDelaysMs: [], handle: async (e) => void handled.push(e.id) });
    await sub.waitUntilActive();
    const forbidden = makeEvent('user.registered.v1', { userId: randomUUID(), email: 'refused@example.test', name: 'Refused' }, { source: 'product-1' });
    await expect(broker.publish(forbidden)).rejects.toMatchObject({ name: 'PublishRefusedError', type: 'user.registered.v1' });
    const next = deleted();
    await eventually(async () => broker.publish(next).then(() => true, () => false), WAIT_MS);
    await eventually(() => handled.includes(next.id), WAIT_MS);
    await sub.cancel();
  }, 30_000);
});
