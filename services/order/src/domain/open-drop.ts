import type { Logger } from '@shop/logger';
import { SHUFFLE_ALGORITHM, shuffleTickets, ticketListHash } from './drop-fairness.js';
import type { DropQueue, DropStore } from './drop-ports.js';
import type { ProductStore } from './ports.js';
import type { DropRecord } from './drop-types.js';

export interface OpenDropDeps {
  records: DropStore;
  products: ProductStore;
  queue: DropQueue;
  /** Units the sale gate holds for the product (seeded from inventory when missing). */
  units(productId: string): Promise<number | undefined>;
  defaultCap: number;
  logger: Logger;
}

/**
 * The open: once Redis' clock passed opensAt, the pre-queue is frozen; it is ordered by the
 * published shuffle of the seed, the seed is revealed, and admissions start. Every replica may
 * run this: the order is deterministic, and only the first OPEN script call takes effect.
 */
export async function openDrop(deps: OpenDropDeps, drop: DropRecord): Promise<'opened' | 'not_yet' | 'already'> {
  const pre = await deps.queue.preQueue(drop.id);
  if (!pre) {
    const state = await deps.queue.state(drop.id);
    return state && state.status !== 'SCHEDULED' ? 'already' : 'not_yet';
  }
  const units = await deps.units(drop.productId);
  if (units === undefined) throw new Error(`no stock figure for ${drop.productId}; the drop opens when inventory answers`);
  const product = (await deps.products.find([drop.productId])).get(drop.productId);
  const cap = product?.maxPerCustomer ?? deps.defaultCap;
  const userOf = new Map(pre.map((t) => [t.ticketId, t.userId]));
  const order = shuffleTickets(drop.seed, [...userOf.keys()]);
  const opened = await deps.queue.open(drop.id, { seed: drop.seed, units, cap, orderedUsers: order.map((t) => userOf.get(t)!) });
  await deps.records.markOpened(drop.id, new Date(), order);
  deps.logger.info({ dropId: drop.id, preQueue: order.length, units, cap, opened }, 'drop open');
  return opened ? 'opened' : 'already';
}

export interface FairnessRecord {
  algorithm: string;
  seedHash: string;
  seed: string;
  ticketListHash: string;
  /** The pre-queue's ticket ids, sorted (the input of the shuffle). */
  tickets: string[];
  /** The same ids in admission order (the output). */
  order: string[];
}

/** Everything needed to recompute the pre-queue order; undefined before the open. */
export async function fairnessRecord(records: DropStore, drop: DropRecord): Promise<FairnessRecord | undefined> {
  const order = await records.preQueue(drop.id);
  if (!order) return undefined;
  return {
    algorithm: SHUFFLE_ALGORITHM,
    seedHash: drop.seedHash,
    seed: drop.seed,
    ticketListHash: ticketListHash(order),
    tickets: [...order].sort(),
    order,
  };
}
