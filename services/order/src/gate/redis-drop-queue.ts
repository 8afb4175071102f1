import { randomUUID } from 'node:crypto';
import { evalScript, slotKey, type RedisClient } from '@shop/cache';
import type { DropState, DropStatus, TicketRead } from '../domain/drop-types.js';
import type { ClaimOutcome, DropQueue } from '../domain/drop-ports.js';
import { CLAIM, CLOSE, GIVE_BACK, OPEN, PRE_QUEUE, QUEUE, RELEASE, SCHEDULE, SETTLE } from './drop-scripts.js';

/**
 * Every key of a drop shares the hash tag `{drop:<id>}`: each script is single-slot on a Cluster.
 * [meta, queue, tickets, holds]; exported for the component tests, which move a drop's clock.
 */
export const keysOf = (dropId: string): string[] => ['m', 'q', 't', 'h'].map((k) => slotKey('drop', `drop:${dropId}`, k));
/** How long an order in flight keeps its hold past the hold's own expiry. */
const CLAIM_LEASE_MS = 15_000;
/** How long a closed drop's tickets stay readable (their final CLOSED state). */
const CLOSED_KEEP_SECONDS = 7 * 24 * 3600;

type StateRow = [string, string, number, string, string, string, number, string, number, string, string];

function toState(row: StateRow): DropState {
  const [status, opensAt, queueLength, admitted, units, sold, holds, seed, , rate, productId] = row;
  return {
    status: status as DropStatus,
    productId,
    admitPerSecond: Number(rate),
    opensAt: Number(opensAt),
    queueLength: Number(queueLength),
    admitted: Number(admitted),
    unitsLeft: units === '' ? null : Math.max(0, Number(units) - Number(sold)),
    holds: Number(holds),
    ...(seed ? { seed } : {}),
  };
}

interface RawTicket {
  id: string;
  s: TicketRead['raw'];
  n: number;
  p: number;
  q?: number;
  x?: number;
  h?: number;
}

/** The drop queue on Redis: one script (one round trip) per join, poll or status read; joins and polls only read (and a join adds its ticket). */
export class RedisDropQueue implements DropQueue {
  constructor(private readonly redis: RedisClient) {}

  private run<T>(name: string, lua: string, dropId: string, args: Array<string | number>): Promise<T> {
    return evalScript<T>(this.redis, { name, lua, keys: keysOf(dropId), args });
  }

  async schedule(d: { id: string; productId: string; opensAt: Date; admitPerSecond: number; holdSeconds: number; seedHash: string }): Promise<void> {
    await this.run('drop-schedule', SCHEDULE, d.id, [d.productId, d.opensAt.getTime(), d.admitPerSecond, d.holdSeconds * 1000, d.seedHash]);
  }

  async state(dropId: string): Promise<DropState | undefined> {
    const out = await this.run<[StateRow, string, number] | ['NO_DROP']>('drop-status', QUEUE, dropId, ['status', '']);
    return out[0] === 'NO_DROP' ? undefined : toState(out[0] as StateRow);
  }

  /** Joins (once per user) or reads the user's ticket; undefined state when the drop is unknown to Redis. */
  async ticket(dropId: string, userId: string, mode: 'join' | 'poll'): Promise<{ drop?: DropState; ticket?: TicketRead }> {
    const out = await this.run<[StateRow, string, number] | ['NO_DROP']>(`drop-${mode}`, QUEUE, dropId, [mode, userId, randomUUID()]);
    if (out[0] === 'NO_DROP') return {};
    const [row, json, position] = out as [StateRow, string, number];
    const drop = toState(row);
    if (!json) return { drop };
    const t = JSON.parse(json) as RawTicket;
    return {
      drop,
      ticket: {
        drop,
        ticketId: t.id,
        joinNo: t.n,
        preQueue: t.p === 1,
        raw: t.s,
        position: position > 0 ? position : null,
        ...(t.h ? { hold: { number: t.h, quantity: t.q ?? 0, expiresAt: t.x ?? 0 } } : {}),
        now: Number(row[8]),
      },
    };
  }

  /** Undefined until Redis' clock has passed opensAt while the drop is still SCHEDULED. */
  async preQueue(dropId: string): Promise<Array<{ userId: string; ticketId: string }> | undefined> {
    const out = await this.run<string[]>('drop-prequeue', PRE_QUEUE, dropId, []);
    if (out[0] !== 'SCHEDULED' || Number(out[1]) < Number(out[2])) return undefined;
    const tickets: Array<{ userId: string; ticketId: string }> = [];
    for (let i = 3; i < out.length; i += 2) tickets.push({ userId: out[i], ticketId: out[i + 1] });
    return tickets;
  }

  async open(dropId: string, input: { seed: string; units: number; cap: number; orderedUsers: string[] }): Promise<boolean> {
    const done = await this.run<number>('drop-open', OPEN, dropId, [input.seed, input.units, input.cap, ...input.orderedUsers]);
    return done === 1;
  }

  claim(dropId: string, userId: string, holdNo: number, idempotencyKey: string): Promise<ClaimOutcome> {
    return this.run<ClaimOutcome>('drop-claim', CLAIM, dropId, [userId, holdNo, idempotencyKey, CLAIM_LEASE_MS]);
  }

  async settle(dropId: string, userId: string, holdNo: number, ordered: number): Promise<void> {
    await this.run('drop-settle', SETTLE, dropId, [userId, holdNo, ordered]);
  }

  async release(dropId: string, userId: string, holdNo: number, idempotencyKey: string): Promise<void> {
    await this.run('drop-release', RELEASE, dropId, [userId, holdNo, idempotencyKey]);
  }

  async close(dropId: string): Promise<void> {
    await this.run('drop-close', CLOSE, dropId, [CLOSED_KEEP_SECONDS]);
  }

  async giveBack(dropId: string, units: number): Promise<void> {
    await this.run('drop-give-back', GIVE_BACK, dropId, [units]);
  }
}
