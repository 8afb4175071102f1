import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Knex } from '@shop/db';
import { makeEvent } from '@shop/contracts';
import { createUnitOfWork, type UnitOfWork } from '../src/index.js';
import { dropDb, freshDb, sleep } from './helpers.js';

let db: Knex;
let kicks: number;
let uow: UnitOfWork;

beforeAll(async () => {
  db = await freshDb();
});
beforeEach(() => {
  kicks = 0;
  uow = createUnitOfWork({ db, source: 'uow-test', relay: { kick: () => void kicks++ } });
});
afterAll(async () => {
  await dropDb(db);
});

const outboxRow = (id: string) => db('outbox').where('id', id).first();
const deleted = () => ({ productId: randomUUID() });

describe('unit of work', () => {
  it('when the work commits, then its rows and events are stored together and the relay is kicked once, after the commit', async () => {
    let kicksInside = -1;
    const event = await uow.run(async ({ trx, outbox }) => {
      await trx('effects').insert({ event_id: 'committed' });
      const e = await outbox.emit('product.deleted.v1', deleted(), { correlationId: 'req-1' });
      await outbox.emit('product.deleted.v1', deleted());
      kicksInside = kicks;
      return e;
    });
    expect(kicksInside).toBe(0);
    expect(kicks).toBe(1);
    expect(event).toMatchObject({ source: 'uow-test', correlationId: 'req-1' });
    expect((await outboxRow(event.id))?.type).toBe('product.deleted.v1');
    expect(await db('effects').where('event_id', 'committed').first()).toBeDefined();
  });

  it('when the work throws, then neither its rows nor its events are stored and the relay is not kicked', async () => {
    let id = '';
    await expect(
      uow.run(async ({ trx, outbox }) => {
        await trx('effects').insert({ event_id: 'rolled-back' });
        id = (await outbox.emit('product.deleted.v1', deleted())).id;
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    await sleep(20);
    expect(kicks).toBe(0);
    expect(await outboxRow(id)).toBeUndefined();
    expect(await db('effects').where('event_id', 'rolled-back').first()).toBeUndefined();
  });

  it('when the work writes no event, then the relay is not kicked', async () => {
    await uow.run(async ({ trx }) => void (await trx('effects').insert({ event_id: 'quiet' })));
    await sleep(20);
    expect(kicks).toBe(0);
  });

  it('when a savepoint throws, then only its events are undone and the relay waits for the outer commit', async () => {
    const ids: string[] = [];
    let kicksAfterSavepoint = -1;
    await uow.run(async (tx) => {
      ids.push((await tx.outbox.emit('product.deleted.v1', deleted())).id);
      await tx
        .savepoint(async (sp) => {
          ids.push((await sp.outbox.emit('product.deleted.v1', deleted())).id);
          throw new Error('undo me');
        })
        .catch(() => undefined);
      await tx.savepoint(async (sp) => void ids.push((await sp.outbox.emit('product.deleted.v1', deleted())).id));
      await sleep(20);
      kicksAfterSavepoint = kicks;
    });
    expect(kicksAfterSavepoint).toBe(0);
    expect(kicks).toBe(1);
    expect(await outboxRow(ids[0])).toBeDefined();
    expect(await outboxRow(ids[1])).toBeUndefined();
    expect(await outboxRow(ids[2])).toBeDefined();
  });

  it('when onCommit is asked for inside a savepoint, then it runs after the outer commit, and never on a rollback', async () => {
    const ran: string[] = [];
    await uow.run(async (tx) => {
      await tx.savepoint(async (sp) => sp.onCommit(() => ran.push('committed')));
      await sleep(20);
      expect(ran).toEqual([]);
    });
    await sleep(0);
    expect(ran).toEqual(['committed']);
    await uow
      .run(async (tx) => {
        tx.onCommit(() => ran.push('rolled back'));
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await sleep(20);
    expect(ran).toEqual(['committed']);
  });

  it('when joined to a transaction opened elsewhere, then the relay is kicked when that transaction commits and events carry the joined correlation id', async () => {
    let id = '';
    await db.transaction(async (trx) => {
      const tx = uow.join(trx, { correlationId: 'from-the-message' });
      const e = await tx.outbox.emit('product.deleted.v1', deleted());
      expect(e.correlationId).toBe('from-the-message');
      id = e.id;
      await sleep(20);
      expect(kicks).toBe(0);
    });
    await sleep(0);
    expect(kicks).toBe(1);
    expect(await outboxRow(id)).toBeDefined();
  });

  it('when an event was made elsewhere, then add writes it; a malformed envelope is refused', async () => {
    const made = makeEvent('product.deleted.v1', deleted(), { source: 'elsewhere' });
    await uow.run(({ outbox }) => outbox.add([made]));
    expect((await outboxRow(made.id))?.type).toBe('product.deleted.v1');
    const malformed = { ...made, id: randomUUID(), data: { productId: 42 } };
    await expect(uow.run(({ outbox }) => outbox.add(malformed))).rejects.toThrow(/productId/);
    expect(await outboxRow(malformed.id)).toBeUndefined();
  });
});
