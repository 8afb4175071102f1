import { startLoop } from '@shop/jobs';
import type { Knex } from 'knex';
import type { Logger } from '@shop/logger';
import { isMadeEvent, parseEvent, type EventEnvelope } from '@shop/contracts';
import { errorMessage } from './errors.js';
import { outboxLag, watchOutbox } from './metrics.js';
import { contextOf, currentTraceparent, type Context } from '@shop/telemetry';

/** What the relay needs from a broker (the Broker class, or a stand-in in tests). */
export interface Publisher {
  isConnected(): boolean;
  /** `parent`: the trace to publish in (the one the row was written in). */
  publish(envelope: EventEnvelope, parent?: Context): Promise<void>;
  /** Calls `listener` after every (re)connect, so rows held back during an outage go out at once. */
  onConnected?(listener: () => void): void;
}

/**
 * Writes events in the caller's transaction, so they commit or roll back with the business
 * rows. A malformed event fails the producer, not every consumer: events from makeEvent were
 * validated when made; anything else is validated here. Services write through a unit of
 * work (unit-of-work.ts), which calls this.
 */
export async function enqueueEvent(trx: Knex | Knex.Transaction, events: EventEnvelope | readonly EventEnvelope[]): Promise<void> {
  const list: readonly EventEnvelope[] = Array.isArray(events) ? events : [events as EventEnvelope];
  if (list.length === 0) return;
  const traceparent = currentTraceparent();
  const rows = list.map((e) => {
    const event = isMadeEvent(e) ? e : parseEvent(e);
    // The trace the event was written in: the relay publishes it there (tracing.ts).
    return { id: event.id, type: event.type, payload: JSON.stringify(event), traceparent };
  });
  await trx('outbox').insert(rows);
}

export interface OutboxRelayOptions {
  db: Knex;
  broker: Publisher;
  logger: Logger;
  /**
   * The fallback poll for rows nobody kicked for (another replica died after its commit, a
   * publish failed). Every commit that writes events kicks the relay at once (unit-of-work.ts)
   * and so does a broker reconnect, so this is not on any event's normal path: it was 200 ms,
   * 5 transactions a second per idle process (load-tests/results/buy-path-profile.md).
   */
  intervalMs?: number;
  batchSize?: number;
}

export interface OutboxRelay {
  /** Run a tick soon, e.g. right after a commit that enqueued events. */
  kick(): void;
  /** Stops the loop and waits for a tick in progress. */
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  type: string;
  payload: EventEnvelope;
  created_at: Date;
  traceparent: string | null;
}

/**
 * Publishes unpublished outbox rows. Rows are claimed with FOR UPDATE SKIP LOCKED, so any
 * number of replicas can run a relay without publishing a row twice; a row whose publish
 * fails stays unpublished (attempts and last_error recorded) and is tried again next tick.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, broker, logger, intervalMs = 5_000, batchSize = 200 } = options;
  const log = logger.child({ component: 'outbox-relay' });

  async function tick(): Promise<number> {
    // While the broker is down, don't churn rows; just report how far behind we are.
    if (!broker.isConnected()) {
      const oldest = await db('outbox').whereNull('published_at').min({ at: 'created_at' }).first();
      outboxLag.set(oldest?.at ? (Date.now() - new Date(oldest.at).getTime()) / 1000 : 0);
      return 0;
    }
    return db.transaction(async (trx) => {
      const rows: OutboxRow[] = await trx('outbox')
        .select('id', 'type', 'payload', 'created_at', 'traceparent')
        .whereNull('published_at')
        .orderBy('created_at')
        .limit(batchSize)
        .forUpdate()
        .skipLocked();
      outboxLag.set(rows.length ? (Date.now() - rows[0].created_at.getTime()) / 1000 : 0);
      if (rows.length === 0) return 0;
      // Publish the whole batch, then wait for all confirms together.
      const results = await Promise.allSettled(rows.map((r) => broker.publish(r.payload, contextOf(r.traceparent))));
      const published = rows.filter((_, i) => results[i].status === 'fulfilled').map((r) => r.id);
      if (published.length) await trx('outbox').whereIn('id', published).update({ published_at: trx.fn.now(), last_error: null });
      for (const [i, result] of results.entries()) {
        if (result.status === 'fulfilled') continue;
        await trx('outbox')
          .where('id', rows[i].id)
          .update({ attempts: trx.raw('attempts + 1'), last_error: errorMessage(result.reason) });
      }
      if (published.length < rows.length) log.warn({ failed: rows.length - published.length }, 'some outbox rows failed to publish; retrying next tick');
      return rows.length;
    });
  }

  watchOutbox(async () => {
    const row = await db('outbox')
      .whereNull('published_at')
      .select(db.raw('count(*)::int as rows'), db.raw('coalesce(extract(epoch from now() - min(created_at)), 0)::float as age'))
      .first();
    return { rows: Number(row?.rows ?? 0), oldestAgeSeconds: Number(row?.age ?? 0) };
  });
  const loop = startLoop({ name: 'outbox-relay', intervalMs, logger: log, tick: async () => (await tick()) === batchSize });
  broker.onConnected?.(() => loop.kick());
  return {
    kick: () => loop.kick(),
    stop: async () => {
      watchOutbox(undefined);
      await loop.stop();
    },
  };
}
