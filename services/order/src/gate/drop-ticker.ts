import type { Logger } from '@shop/logger';
import type { DropQueue, DropWatch } from '../domain/drop-ports.js';
import type { DropRecord, DropState } from '../domain/drop-types.js';

/** While a drop admits (or is about to open), every 100 ms; otherwise once a second. */
const FAST_MS = 100;
const SLOW_MS = 1_000;

interface Waiter {
  until: (s: DropState) => boolean;
  done: (s: DropState | undefined) => void;
}

/**
 * Advances every live drop on a timer, so joins and polls only read: each tick is one status
 * script per drop (advance(): expired holds back, the bucket refilled, the head admitted),
 * from each replica (both may; advance is idempotent for one instant). The reading is kept in
 * memory: a held poll (`GET /api/drops/:id/queue/me/wait`) waits on it instead of asking Redis,
 * and is answered on the tick that shows its change (sold out, closed, its turn near).
 */
export class DropTicker implements DropWatch {
  private readings = new Map<string, DropState>();
  private dueAt = new Map<string, number>();
  private waiters = new Map<string, Set<Waiter>>();
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(private readonly deps: { queue: DropQueue; live: () => DropRecord[]; logger: Logger; now?: () => number }) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), FAST_MS);
    this.timer.unref();
  }

  latest(dropId: string): DropState | undefined {
    return this.readings.get(dropId);
  }

  wait(dropId: string, until: (s: DropState) => boolean, ms: number, signal?: AbortSignal): Promise<DropState | undefined> {
    const now = this.readings.get(dropId);
    if (!now || until(now) || signal?.aborted) return Promise.resolve(now);
    return new Promise((resolve) => {
      const set = this.waiters.get(dropId) ?? new Set<Waiter>();
      this.waiters.set(dropId, set);
      const finish = (s: DropState | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        set.delete(waiter);
        resolve(s);
      };
      const waiter: Waiter = { until, done: finish };
      const timer = setTimeout(() => finish(this.readings.get(dropId)), ms);
      const onAbort = () => finish(this.readings.get(dropId));
      signal?.addEventListener('abort', onAbort, { once: true });
      set.add(waiter);
    });
  }

  /** One round: every live drop that is due. Never overlaps itself, never throws. */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const now = (this.deps.now ?? Date.now)();
      const live = this.deps.live();
      await Promise.all(live.filter((d) => (this.dueAt.get(d.id) ?? 0) <= now).map((d) => this.read(d, now)));
      const ids = new Set(live.map((d) => d.id));
      for (const id of this.readings.keys()) {
        if (!ids.has(id)) this.forget(id);
      }
    } finally {
      this.busy = false;
    }
  }

  private async read(drop: DropRecord, now: number): Promise<void> {
    let state: DropState | undefined;
    try {
      state = await this.deps.queue.state(drop.id);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message, dropId: drop.id }, 'drop tick failed');
    }
    const soon = drop.opensAt.getTime() - now < 2 * SLOW_MS;
    const fast = state ? state.status === 'OPEN' || (state.status === 'SCHEDULED' && soon) : false;
    this.dueAt.set(drop.id, now + (fast ? FAST_MS : SLOW_MS) - 5);
    if (!state) return;
    this.readings.set(drop.id, state);
    for (const w of this.waiters.get(drop.id) ?? []) {
      if (w.until(state)) w.done(state);
    }
  }

  /** A drop no longer live (closed): its held polls are answered with the last reading. */
  private forget(dropId: string): void {
    const last = this.readings.get(dropId);
    for (const w of this.waiters.get(dropId) ?? []) w.done(last && { ...last, status: 'CLOSED' });
    this.readings.delete(dropId);
    this.dueAt.delete(dropId);
    this.waiters.delete(dropId);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const id of [...this.waiters.keys()]) {
      for (const w of this.waiters.get(id) ?? []) w.done(this.readings.get(id));
    }
  }
}
