/**
 * R6: a poison message. A product goes on sale while inventory's queue misses its
 * product.created.v1 (the binding is taken away for that moment, as a broken deployment or a
 * hand-edited broker would): the catalogue and the order service know the product, inventory
 * has no stock record. An order for it is a valid order.placed.v1 that inventory cannot handle:
 * retried at 1, 5 and 30 s, then dead-lettered. It must be visible (the DLQ's depth, the
 * consumer's dead_lettered counter, the failed task, the DeadLetters alert, the order PENDING);
 * once the cause is fixed (the binding back, the product's event re-published from its outbox)
 * one `npm run dlq:replay` makes the order CONFIRMED exactly once and takes it out of the DLQ.
 *
 * The scenario judges its own dead letter only: the platform's DLQ may hold others (a forged
 * event an earlier run or a profiling process put there, which the replay leaves where it is),
 * so it lists and replays with `--id <its order.placed.v1 id>`, and expects exit code 0, one
 * letter moved, and none the second time.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { adminToken, api, newCustomers, placeOrder, until } from '../e2e/api.js';
import { baseline, consumed, consumedSince, sql } from './books.js';
import type { Attempt } from './load.js';
import { rabbitApi, ROOT } from './platform.js';
import { conclude, type Scenario } from './scenario.js';

const PROMETHEUS = process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:9090';
const QUEUE = 'inventory.order-placed';
const PRODUCT_QUEUE = 'inventory.product-events';
const BINDING = `/bindings/%2F/e/shop.events/q/${PRODUCT_QUEUE}`;

/** inventory.product-events bound to product.created.v1, or not (the injected cause). */
const productCreatedBinding = async (on: boolean) =>
  on ? rabbitApi('POST', BINDING, { routing_key: 'product.created.v1' }) : rabbitApi('DELETE', `${BINDING}/product.created.v1`);

const dlqDepth = async () => ((await (await rabbitApi('GET', `/queues/%2F/${QUEUE}.dlq`)).json()) as { messages?: number }).messages ?? 0;

async function deadLettersAlert(): Promise<string | undefined> {
  const res = await fetch(`${PROMETHEUS}/api/v1/alerts`);
  const alerts = ((await res.json()) as { data: { alerts: Array<{ labels: Record<string, string>; state: string }> } }).data.alerts;
  const hit = alerts.find((a) => a.labels.alertname === 'DeadLetters' && (a.labels.queue === `${QUEUE}.dlq` || a.labels.queue === QUEUE));
  return hit?.state === 'firing' ? hit.state : undefined;
}

/** `npm run dlq:replay -- ...`: its output and exit code (a non-zero one is a result to judge, not a crash). */
async function dlqReplay(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'dlq:replay', '--', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
const moved = (r: { out: string }) => Number(/: moved (\d+) message/.exec(r.out)?.[1] ?? NaN);

describe('R6: a poison message', () => {
  afterAll(() => productCreatedBinding(true), 30_000);

  it('when inventory cannot handle an order (no stock record for its product), then it is dead-lettered and visible, and one replay after the fix confirms it exactly once', async () => {
    const started = Date.now();
    const admin = await adminToken();
    const customers = await newCustomers(1, 'r6');
    const before = await baseline();
    const deadBefore = await consumed('inventory', QUEUE, 'dead_lettered');
    const dlqBefore = await dlqDepth();

    // The cause: the product's creation never reaches inventory's queue.
    const sku = `R6-${randomUUID().slice(0, 8)}`;
    const stock = 3;
    await productCreatedBinding(false);
    let productId: string;
    try {
      const created = await api('POST', '/api/products', { token: admin, body: { sku, name: `Fault R6 ${sku}`, price: 2500, currency: 'EUR', initialStock: stock, maxPerCustomer: 10 } });
      expect(created.status).toBe(201);
      productId = created.body.id;
      await until(async () => (await sql('product', "select 1 from outbox where type = 'product.created.v1' and payload->'data'->>'productId' = $1 and published_at is not null", [productId])).length > 0, 'product.created.v1 published');
    } finally {
      await productCreatedBinding(true);
    }
    await until(async () => (await sql('order', 'select 1 from product_snapshots where id = $1', [productId])).length > 0, 'the order service to know the product');
    expect((await api('GET', `/api/inventory/${productId}`)).status).toBe(404);
    const s: Scenario = { id: 'R6', started, admin, product: { id: productId, stock }, customers, before };

    // A valid order that inventory cannot process.
    const key = randomUUID();
    const body = { items: [{ productId, quantity: 1 }], paymentToken: 'tok_visa' };
    const at = Date.now();
    const res = await placeOrder(customers[0].token, body, key);
    const attempt: Attempt = { customer: 0, key, body, status: res.status, code: res.body?.error?.code, orderId: res.body?.id, ms: Date.now() - at, at, retries: [] };
    expect(res.status).toBe(202);
    const orderId = res.body.id as string;
    const [placed] = await sql<{ id: string }>('order', "select payload->>'id' as id from outbox where type = 'order.placed.v1' and payload->'data'->>'orderId' = $1", [orderId]);

    // Dead-lettered after its retries (1 + 5 + 30 s), and visible.
    await until(async () => (await dlqDepth()) > dlqBefore || undefined, 'the order in the dead-letter queue', 90_000);
    const deadLetteredAt = Date.now();
    const listed = (await dlqReplay([QUEUE, '--list', '--id', placed.id])).out;
    const task = await until(async () => {
      const page = await api('GET', `/api/inventory/admin/tasks?status=failed&consumer=${QUEUE}&limit=100`, { token: admin });
      return page.body?.items?.find((t: { messageId: string }) => t.messageId === placed.id);
    }, 'the failed task', 20_000).catch(() => undefined);
    const counted = consumedSince(deadBefore, await consumed('inventory', QUEUE, 'dead_lettered'));
    const alert = await until(deadLettersAlert, 'the DeadLetters alert firing', 90_000).catch(() => undefined);
    const pendingMeanwhile = (await api('GET', `/api/orders/${orderId}`, { token: customers[0].token })).body?.status;

    // The fix: the binding is back (above); the product service re-publishes the product's
    // event from its outbox (the relay sends any row not marked published), and inventory,
    // which never saw that event id, opens the stock record. Order and cart dedupe it.
    await sql('product', "update outbox set published_at = null where type = 'product.created.v1' and payload->'data'->>'productId' = $1", [productId]);
    await until(async () => (await api('GET', `/api/inventory/${productId}`)).body?.available === stock, 'the stock record', 30_000);

    const first = await dlqReplay([QUEUE, '--id', placed.id]);
    const replayed = moved(first);
    const order = await until(async () => {
      const o = (await api('GET', `/api/orders/${orderId}`, { token: customers[0].token })).body;
      return o?.status === 'CONFIRMED' ? o : undefined;
    }, 'the order CONFIRMED after the replay', 60_000);
    const again = await dlqReplay([QUEUE, '--id', placed.id]);
    const replayedAgain = moved(again);

    const history = order.statusHistory.map((h: { status: string }) => h.status).join(' > ');
    const [holds] = await sql<{ n: string; committed: string }>('inventory', "select count(*) n, count(*) filter (where status = 'committed') committed from reservations where order_id = $1", [orderId]);
    const [reserved] = await sql<{ n: string }>('inventory', "select count(*) n from outbox where type = 'inventory.reserved.v1' and payload->'data'->>'orderId' = $1", [orderId]);
    const [payment] = await sql<{ status: string; attempts: number }>('order', 'select status, attempts from payment_attempts where order_id = $1', [orderId]);

    const violations: string[] = [];
    if (!/no stock record/.test(listed)) violations.push(`dlq:replay --list did not show the reason: ${listed.trim()}`);
    if (!task) violations.push('no failed task for the message on GET /api/inventory/admin/tasks');
    if (counted !== 1) violations.push(`the inventory replicas counted ${counted} dead letters for ${QUEUE}, not 1`);
    if (!alert) violations.push('the DeadLetters alert did not fire');
    if (pendingMeanwhile !== 'PENDING') violations.push(`the order was ${pendingMeanwhile} while its message was dead, not PENDING`);
    if (replayed !== 1 || first.code !== 0) violations.push(`the replay moved ${replayed} messages, not 1, and exited ${first.code}: ${first.out.trim()}`);
    if (!first.out.includes(`moved\torder.placed.v1\t${placed.id}`)) violations.push(`the replay did not list the order's event as moved: ${first.out.trim()}`);
    if (replayedAgain !== 0 || again.code !== 0) violations.push(`a second replay moved ${replayedAgain} messages, not 0, and exited ${again.code}: ${again.out.trim()}`);
    if (history !== 'PENDING > RESERVED > CONFIRMED') violations.push(`order history ${history}`);
    if (holds.n !== '1' || holds.committed !== '1') violations.push(`${holds.n} reservations (${holds.committed} committed) for the order`);
    if (reserved.n !== '1') violations.push(`${reserved.n} inventory.reserved.v1 for the order`);
    if (payment?.status !== 'APPROVED' || payment.attempts !== 1) violations.push(`payment ${payment?.status} after ${payment?.attempts} charges`);

    const books = await conclude(s, [attempt], {
      title: 'A poison message, dead-lettered and replayed',
      injected: "a product created while inventory's queue was unbound from product.created.v1, then one order for it: inventory has no stock record (retried 1, 5, 30 s, dead-lettered); fixed by re-binding and re-publishing the product's event from its outbox, then `npm run dlq:replay -- inventory.order-placed --id <its order.placed.v1 id>` (twice)",
      mustHold: 'DLQ, visible as failed, replay works once fixed',
      counters: {
        'dead-lettered after, s': Math.round((deadLetteredAt - at) / 1000),
        'inventory dead_lettered counter': counted,
        'failed task listed': task ? 'yes' : 'no',
        'DeadLetters alert': alert ?? 'not firing',
        'order while dead-lettered': pendingMeanwhile,
        'replayed (first, second run)': `${replayed}, ${replayedAgain}`,
        'replay exit codes (first, second run)': `${first.code}, ${again.code}`,
        'order after the replay': history,
        'reservations / inventory.reserved.v1 / charges': `${holds.n} / ${reserved.n} / ${payment?.attempts}`,
      },
      violations,
    });
    expect(books.violations).toEqual([]);
  }, 400_000);
});
