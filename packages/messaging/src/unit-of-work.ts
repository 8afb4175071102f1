import type { Knex } from 'knex';
import { makeEvent, type Event, type EventData, type EventEnvelope, type EventType } from '@shop/contracts';
import { enqueueEvent } from './outbox.js';

/** Carried by the events a unit of work writes; the source is the unit of work's own. */
export interface EventMeta {
  /** The correlation id of the request or event that caused these writes (default: a new chain). */
  correlationId?: string;
}

/** The outbox as one transaction sees it: what is written here commits or rolls back with the rows. */
export interface Outbox {
  /** Makes the event (validated here, once) and writes it to the outbox. */
  emit<T extends EventType>(type: T, data: EventData<T>, meta?: EventMeta): Promise<Event<T>>;
  /** Writes events already made with makeEvent (not validated again); anything else is validated. */
  add(events: EventEnvelope | readonly EventEnvelope[]): Promise<void>;
}

/** One transaction: its knex handle for the repositories, its outbox, and savepoints inside it. */
export interface UnitOfWorkTx {
  readonly trx: Knex.Transaction;
  readonly outbox: Outbox;
  /** Runs `work` on a savepoint: a throw undoes what it wrote (rows and events); the transaction lives on. */
  savepoint<T>(work: (tx: UnitOfWorkTx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` once the outermost transaction has committed (never on a rollback), for effects
   * outside the database that must follow the commit (e.g. giving units back to a Redis gate).
   * A failure of `fn` is its own business: it cannot undo the commit.
   */
  onCommit(fn: () => unknown): void;
}

export interface UnitOfWork {
  readonly db: Knex;
  /**
   * Runs `work` in one transaction (or joins the one `db` already is). Once it commits, and
   * if it wrote any event, the outbox relay is kicked; a rollback kicks nothing.
   */
  run<T>(work: (tx: UnitOfWorkTx) => Promise<T>, meta?: EventMeta): Promise<T>;
  /**
   * The same handle over a transaction someone else opened and will commit (the inbox's
   * transaction in a consumer): the relay is kicked when that transaction commits.
   */
  join(trx: Knex.Transaction, meta?: EventMeta): UnitOfWorkTx;
}

export interface UnitOfWorkOptions {
  db: Knex;
  /** `source` of every event written (the instance id). */
  source: string;
  /** The outbox relay to wake after a commit; without one (scripts, some tests) rows wait for a relay's next tick. */
  relay?: { kick(): void };
}

/**
 * The one way a service writes business rows and their events together. Use it instead of
 * `db.transaction` + `enqueueEvent` + a remembered `relay.kick()` (a test scans for that).
 */
export function createUnitOfWork(options: UnitOfWorkOptions): UnitOfWork {
  const { db, source } = options;
  const kick = () => options.relay?.kick();
  const armed = new WeakSet<Knex.Transaction>(); // roots whose commit will kick the relay


  /** `root` is the outermost transaction: the relay waits for its commit, not a savepoint's. */
  function bind(trx: Knex.Transaction, root: Knex.Transaction, defaults: EventMeta): UnitOfWorkTx {
    const wrote = () => {
      if (armed.has(root)) return;
      armed.add(root);
      root.executionPromise.then(kick, () => undefined);
    };
    const outbox: Outbox = {
      async emit(type, data, meta) {
        const event = makeEvent(type, data, { source, correlationId: meta?.correlationId ?? defaults.correlationId });
        await enqueueEvent(trx, event);
        wrote();
        return event;
      },
      async add(events) {
        const list = Array.isArray(events) ? events : [events as EventEnvelope];
        if (list.length === 0) return;
        await enqueueEvent(trx, list);
        wrote();
      },
    };
    return {
      trx,
      outbox,
      savepoint: (work) => trx.transaction((sp) => work(bind(sp, root, defaults))),
      onCommit: (fn) => {
        root.executionPromise.then(
          () => fn(),
          () => undefined,
        );
      },
    };
  }

  return {
    db,
    run: (work, meta = {}) =>
      db.isTransaction ? work(bind(db as Knex.Transaction, db as Knex.Transaction, meta)) : db.transaction((trx) => work(bind(trx, trx, meta))),
    join: (trx, meta = {}) => bind(trx, trx, meta),
  };
}
