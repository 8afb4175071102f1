/**
 * R9: a reservation never confirmed. The order replicas run with a 12 s order TTL for the
 * scenario (FAULT_ORDER_TTL_SECONDS, ecosystem.config.cjs); one buyer takes every unit and never
 * pays (tok_pending: the card network waits for an authentication the buyer never completes).
 * Others are turned away sold out meanwhile. At its expiresAt the order service ends the order
 * EXPIRED (order.expired.v1), inventory releases the hold, the gate gets its units back, and the
 * units sell again to the buyers who try again.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { api, placeOrder, until } from '../e2e/api.js';
import { sql } from './books.js';
import type { Attempt } from './load.js';
import { allReady, platformRoot, pm2Apps, pm2Async } from './platform.js';
import { conclude, prepare } from './scenario.js';

const TTL_SECONDS = 12;
const orderReplicas = () => pm2Apps().map((a) => a.name).filter((n) => /^order-\d+$/.test(n));

/** The TTL a replica's process really has: pm2 keeps a variable it once got (top level of pm2_env). */
const ttlOf = (name: string) => (pm2Apps().find((a) => a.name === name)?.pm2_env as unknown as Record<string, string> | undefined)?.ORDER_TTL_SECONDS;

/**
 * The order replicas with the short TTL (a rolling reload), or back without it. pm2 merges an
 * app's old environment into a reload's, so the way back is delete and start, one replica at a
 * time (the twin takes the traffic): a reload left the TTL at 12 s after the first run.
 */
async function shortTtl(on: boolean): Promise<void> {
  const names = orderReplicas();
  const wanted = on ? String(TTL_SECONDS) : undefined;
  if (names.every((n) => ttlOf(n) === wanted)) return;
  const eco = `${platformRoot()}/ecosystem.config.cjs`;
  if (on) {
    await pm2Async(['startOrReload', eco, '--only', names.join(','), '--update-env'], { FAULT_ORDER_TTL_SECONDS: String(TTL_SECONDS) });
  } else {
    for (const name of names) {
      await pm2Async(['delete', name]);
      await pm2Async(['start', eco, '--only', name]);
      await allReady();
    }
  }
  await until(async () => names.every((n) => ttlOf(n) === wanted) || undefined, `the order replicas ${on ? 'on' : 'off'} the short TTL`, 120_000);
  await allReady();
}

/** One order through the edge, recorded as the books want it. */
async function order(s: { customers: Array<{ token: string }> }, customer: number, productId: string, quantity: number, paymentToken: string): Promise<Attempt> {
  const body = { items: [{ productId, quantity }], paymentToken };
  const at = Date.now();
  const key = randomUUID();
  const res = await placeOrder(s.customers[customer].token, body, key);
  return {
    customer,
    key,
    body,
    status: res.status,
    code: res.body?.error?.code,
    retryAfter: res.headers.get('retry-after') ?? undefined,
    orderId: res.status === 202 ? res.body.id : undefined,
    ms: Date.now() - at,
    at,
    retries: [],
  };
}

const statusOf = async (token: string, id: string) => (await api('GET', `/api/orders/${id}`, { token })).body;

describe('R9: a reservation never confirmed', () => {
  afterAll(() => shortTtl(false), 300_000);

  it('when a buyer holds every unit and never pays, then at its expiry the order is EXPIRED, the hold released, and the units sold again', async () => {
    await shortTtl(true);
    const s = await prepare('R9', { stock: 2, customers: 3 });
    const attempts: Attempt[] = [];
    const product = s.product.id;

    // The buyer who never pays takes both units.
    const holder = await order(s, 0, product, 2, 'tok_pending');
    attempts.push(holder);
    expect(holder.status).toBe(202);
    const holderToken = s.customers[0].token;
    await until(async () => (await statusOf(holderToken, holder.orderId!))?.status === 'RESERVED', 'the unpaid order RESERVED');
    const placed = await statusOf(holderToken, holder.orderId!);
    const expiresAt = new Date(placed.expiresAt).getTime();

    // Meanwhile every other buyer is turned away: the units are held.
    for (const c of [1, 2]) attempts.push(await order(s, c, product, 1, 'tok_visa'));
    const refusedWhileHeld = attempts.slice(1).filter((a) => a.status === 409 && a.code === 'OUT_OF_STOCK').length;

    // The order service ends it at its expiresAt; inventory gives the units back on order.expired.v1.
    const expired = await until(async () => {
      const o = await statusOf(holderToken, holder.orderId!);
      return o?.status === 'EXPIRED' ? o : undefined;
    }, 'the unpaid order EXPIRED', (TTL_SECONDS + 30) * 1000);
    const expiredAt = Date.now();
    await until(async () => (await api('GET', `/api/inventory/${product}`)).body?.available === 2, 'the units back on sale', 30_000);
    const backOnSaleAt = Date.now();

    // The units sell again: the two turned away try once more (new keys: a 409 made nothing).
    const again = [await order(s, 1, product, 1, 'tok_visa'), await order(s, 2, product, 1, 'tok_visa')];
    attempts.push(...again);
    for (const a of again) {
      await until(async () => ['CONFIRMED', 'REJECTED', 'EXPIRED', 'CANCELLED'].includes((await statusOf(s.customers[a.customer].token, a.orderId ?? ''))?.status) || undefined, 'a second buyer final', 30_000).catch(() => undefined);
    }
    const resold = (await Promise.all(again.map(async (a) => (a.orderId ? (await statusOf(s.customers[a.customer].token, a.orderId))?.status : undefined)))).filter((st) => st === 'CONFIRMED').length;

    const [hold] = await sql<{ status: string; reason: string }>('inventory', 'select status, reason from reservations where order_id = $1', [holder.orderId]);
    // Its charge was left pending at the provider; once its lease is over the worker voids it uncharged.
    const attemptOf = async () => (await sql<{ status: string; attempts: number }>('order', 'select status, attempts from payment_attempts where order_id = $1', [holder.orderId]))[0];
    const attempt = await until(async () => ((await attemptOf())?.status === 'VOID' ? attemptOf() : undefined), 'the unpaid attempt VOID', 20_000).catch(attemptOf);
    const reason = expired.statusHistory.at(-1)?.reason;
    const violations: string[] = [];
    if (reason !== 'RESERVATION_EXPIRED') violations.push(`the unpaid order ended EXPIRED with reason ${reason}, not RESERVATION_EXPIRED`);
    if (hold?.status !== 'released' || hold?.reason !== 'ORDER_EXPIRED') violations.push(`its hold is ${hold?.status} ${hold?.reason}, not released ORDER_EXPIRED`);
    if (attempt?.status !== 'VOID') violations.push(`its payment attempt is ${attempt?.status}, not VOID (never charged)`);
    if (refusedWhileHeld !== 2) violations.push(`${refusedWhileHeld} of 2 buyers refused OUT_OF_STOCK while the units were held`);
    if (resold !== 2) violations.push(`${resold} of 2 units sold again after the expiry`);

    const books = await conclude(s, attempts, {
      title: 'A reservation never confirmed',
      injected: `order TTL ${TTL_SECONDS} s on the order replicas (FAULT_ORDER_TTL_SECONDS, reloaded); one buyer reserves both units with tok_pending (the card check is never completed), two others try meanwhile and again after the expiry`,
      mustHold: 'released on expiry, unit sold again, its order EXPIRED',
      counters: {
        'refused OUT_OF_STOCK while held': refusedWhileHeld,
        'EXPIRED after its expiresAt, s': Math.round((expiredAt - expiresAt) / 100) / 10,
        'units back on sale after the expiry, s': Math.round((backOnSaleAt - expiredAt) / 100) / 10,
        'the unpaid order': `EXPIRED ${reason}, hold ${hold?.status} ${hold?.reason}, payment ${attempt?.status} after ${attempt?.attempts} asks`,
        'units sold again': resold,
      },
      violations,
    });
    expect(books.violations).toEqual([]);
  }, 300_000);
});
