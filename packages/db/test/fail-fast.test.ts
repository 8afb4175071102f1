/**
 * A pool whose database stops answering fails fast (fault R5 in one process): a relay in front
 * of the real test Postgres goes silent (connections open, nothing answered), as a Postgres that
 * died under PgBouncer's queued queries, or a half-dead link, looks to the replica.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import knexFactory from 'knex';
import { isDependencyUnavailable } from '@shop/errors';
import { hungLink, waitFor, type HungLink } from '@shop/testing';
import { failFastPool } from '../src/fail-fast.js';
import { createDb, poolBreakerOf, type Db } from '../src/index.js';

const DATABASE_URL = process.env.TEST_MESSAGING_DATABASE_URL ?? 'postgres://messaging_svc:messaging_pw@127.0.0.1:5432/messaging_test';

/** The outcome of `p` and how long it took; "hung" when it took longer than `ms`. */
async function timed(p: Promise<unknown>, ms = 6_000): Promise<{ outcome: unknown; ms: number }> {
  const started = Date.now();
  const hung = new Promise((r) => setTimeout(() => r('hung'), ms).unref());
  const outcome = await Promise.race([p.then(() => 'answered', (err: unknown) => err), hung]);
  return { outcome, ms: Date.now() - started };
}

describe('a pool whose Postgres stops answering', () => {
  let link: HungLink;
  let db: Db;

  beforeAll(async () => {
    const url = new URL(DATABASE_URL);
    link = await hungLink({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(link.port);
    db = createDb(url.toString(), { poolMax: 4 });
    await Promise.all([1, 2, 3].map(() => db.raw('select 1'))); // connections made while it answers
  });
  afterAll(async () => {
    link.set('off');
    await db.destroy();
    await link.close();
  });

  it('when a query takes longer than the stall time on a database that answers, then it is not cut', async () => {
    const { outcome, ms } = await timed(db.raw('select pg_sleep(1.2)'));
    expect(outcome).toBe('answered');
    expect(ms).toBeGreaterThanOrEqual(1_150);
    expect(poolBreakerOf(db)?.open).toBe(false);
  });

  it('when Postgres stops answering, then the query in flight fails within 2 s as "unavailable", the rest at once without waiting, and the pool takes work again once it answers', async () => {
    link.set('hold');
    const [first, second] = await Promise.all([timed(db.raw('select 1')), timed(db.transaction(async (trx) => trx.raw('select 2')))]);
    for (const { outcome, ms } of [first, second]) {
      expect(outcome).not.toBe('hung');
      expect(isDependencyUnavailable(outcome)).toBe(true);
      expect(ms).toBeLessThan(2_000);
    }
    expect(poolBreakerOf(db)?.open).toBe(true);

    const rest = await Promise.all(Array.from({ length: 10 }, () => timed(db('pg_class').count())));
    for (const { outcome, ms } of rest) {
      expect(isDependencyUnavailable(outcome)).toBe(true);
      expect((outcome as Error).name).toBe('DatabaseUnavailableError');
      expect(ms).toBeLessThan(50);
    }

    link.set('off');
    await waitFor(async () => !poolBreakerOf(db)?.open, { timeoutMs: 10_000, intervalMs: 100, what: 'the pool to take work again' });
    await expect(db.raw('select 1 as one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
  }, 30_000);
});

describe('a pool on a busy machine, whose probe misses its deadline while its queries are answered', () => {
  // The probe goes to a port that takes connections and never answers (as a probe late on an
  // overloaded replica looks); the pool's own queries go to the real Postgres.
  let silent: Server;
  const sockets = new Set<Socket>();
  let db: Db;

  beforeAll(async () => {
    silent = createServer((s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const probeUrl = new URL(DATABASE_URL);
    probeUrl.port = String((silent.address() as { port: number }).port);
    db = knexFactory({ client: 'pg', connection: { connectionString: DATABASE_URL }, pool: { min: 0, max: 4 } });
    failFastPool(db, probeUrl.toString());
    await Promise.all([1, 2, 3].map(() => db.raw('select 1')));
  });
  afterAll(async () => {
    await db.destroy();
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  });

  it('when a slow query makes it probe and the probe is not answered, then the pool stays open to work, because other queries were answered meanwhile', async () => {
    const slow = timed(db.raw('select pg_sleep(0.8)'));
    const quick: Array<Promise<{ outcome: unknown; ms: number }>> = [];
    const until = Date.now() + 2_500; // past the probe's 1 s deadline after the 500 ms stall
    while (Date.now() < until) {
      quick.push(timed(db.raw('select 1')));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await slow).outcome).toBe('answered');
    const outcomes = (await Promise.all(quick)).map(({ outcome }) => (outcome === 'answered' ? outcome : (outcome as Error).name));
    expect(outcomes.length).toBeGreaterThan(20);
    expect(outcomes.filter((o) => o !== 'answered')).toEqual([]);
    expect(poolBreakerOf(db)?.open).toBe(false);
  }, 20_000);
});
