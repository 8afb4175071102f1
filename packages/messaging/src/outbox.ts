import { startLoop } from '@shop/jobs';
import type { Knex } from 'knex';
import type { Logger } from '@shop/logger';
import { isMadeEvent, parseEvent, type EventEnvelope } from '@shop/contracts';
import { errorMessage, PublishRefusedError } from './errors.js';
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
  /** The first wait before a refused event type is tried again, doubled each time up to `maxRefusedBackoffMs`. */
  refusedBackoffMs?: number;
  maxRefusedBackoffMs?: number;
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
 *
 * A row the broker refuses (PublishRefusedError: this service may not write its routing key)
 * would be refused again, and used to be first in every batch, failing the whole batch with
 * it (the broker closes the channel over a refusal). So its type is held back: left out of the
 * batches, tried again after a backoff (1 s doubling to 60 s) with one row alone, and let
 * through again once that one is accepted (the rights fixed). Its rows wait in the outbox,
 * counted by messaging_publish_refused_total and visible in the outbox's age and last_error.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, broker, logger, intervalMs = 5_000, batchSize = 200, refusedBackoffMs = 1_000, maxRefusedBackoffMs = 60_000 } = options;
  const log = logger.child({ component: 'outbox-relay' });
  /** Event types the broker refused, by type: when to try one row again, and the next wait. */
  const refused = new Map<string, { due: number; backoffMs: number }>();

  function holdBack(type: string): void {
    const backoffMs = refused.has(type) ? Math.min(2 * refused.get(type)!.backoffMs, maxRefusedBackoffMs) : refusedBackoffMs;
    refused.set(type, { due: Date.now() + backoffMs, backoffMs });
    setTimeout(() => loop.kick(), backoffMs).unref(); // the trial is due then, not at the next poll
    log.error({ type, retryInMs: backoffMs }, 'the broker refused to publish this event type; its outbox rows wait');
  }

  async function publishAll(trx: Knex.Transaction, rows: OutboxRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    // Publish the whole batch, then wait for all confirms together.
    const results = await Promise.allSettled(rows.map((r) => broker.publish(r.payload, contextOf(r.traceparent))));
    const published = rows.filter((_, i) => results[i].status === 'fulfilled').map((r) => r.id);
    if (published.length) await trx('outbox').whereIn('id', published).update({ published_at: trx.fn.now(), last_error: null });
    const refusedTypes = new Set<string>();
    for (const [i, result] of results.entries()) {
      if (result.status === 'fulfilled') {
        refused.delete(rows[i].type);
        continue;
      }
      if (result.reason instanceof PublishRefusedError) refusedTypes.add(rows[i].type);
      await trx('outbox')
        .where('id', rows[i].id)
        .update({ attempts: trx.raw('attempts + 1'), last_error: errorMessage(result.reason) });
    }
    for (const type of refusedTypes) holdBack(type);
    if (published.length < rows.length) log.warn({ failed: rows.length - published.length }, 'some outbox rows failed to publish; retrying next tick');
    return published.length;
  }

  async function tick(): Promise<boolean> {
    // While the broker is down, don't churn rows; just report how far behind we are.
    if (!broker.isConnected()) {
      const oldest = await db('outbox').whereNull('published_at').min({ at: 'created_at' }).first();
      outboxLag.set(oldest?.at ? (Date.now() - new Date(oldest.at).getTime()) / 1000 : 0);
      return false;
    }
    const now = Date.now();
    const held = [...refused].filter(([, r]) => r.due > now).map(([type]) => type);
    const due = [...refused].filter(([, r]) => r.due <= now).map(([type]) => type);
    return db.transaction(async (trx) => {
      const query = trx('outbox')
        .select('id', 'type', 'payload', 'created_at', 'traceparent')
        .whereNull('published_at')
        .orderBy('created_at')
        .limit(batchSize)
        .forUpdate()
        .skipLocked();
      if (held.length) query.whereNotIn('type', held);
      const rows: OutboxRow[] = await query;
      outboxLag.set(rows.length ? (Date.now() - rows[0].created_at.getTime()) / 1000 : 0);
      if (rows.length === 0) return false;
      // A refused type whose wait is over: one row alone first (after the batch, so that a
      // second refusal closes no channel under the others); the rest of it next tick if it goes.
      const trial = due.map((type) => rows.find((r) => r.type === type)).filter((r): r is OutboxRow => r !== undefined);
      const untried = new Set(due.filter((type) => !trial.some((r) => r.type === type)));
      for (const type of untried) refused.delete(type); // none of its rows in this batch
      const batch = rows.filter((r) => !due.includes(r.type));
      await publishAll(trx, batch);
      let triedOk = false;
      for (const row of trial) triedOk = (await publishAll(trx, [row])) === 1 || triedOk;
      return rows.length === batchSize || triedOk;
    });
  }

  watchOutbox(async () => {
    const row = await db('outbox')
      .whereNull('published_at')
      .select(db.raw('count(*)::int as rows'), db.raw('coalesce(extract(epoch from now() - min(created_at)), 0)::float as age'))
      .first();
    return { rows: Number(row?.rows ?? 0), oldestAgeSeconds: Number(row?.age ?? 0) };
  });
  const loop = startLoop({ name: 'outbox-relay', intervalMs, logger: log, tick });
  broker.onConnected?.(() => loop.kick());
  return {
    kick: () => loop.kick(),
    stop: async () => {
      watchOutbox(undefined);
      await loop.stop();
    },
  };
}
