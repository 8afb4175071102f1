/**
 * Done-when of issue 12 (Prometheus, natively): after `npm run up` every target Prometheus
 * scrapes is up, the targets are every replica of every service, and an order placed through
 * the edge shows up in a PromQL query of the orders metric. The scrape interval is 5 s, so
 * every wait is bounded at a few intervals.
 */
import { describe, expect, it } from '@jest/globals';
import { REPLICAS } from '../stack.js';
import { EDGE, adminToken, finalOrder, newCustomer, newProduct, placeOrder, until } from '../e2e/api.js';
import { growth, prom, scalar, series } from './prometheus.js';

interface Target {
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  scrapeUrl: string;
}

const SERVICES = ['user', 'product', 'cart', 'order', 'inventory', 'email'];
// An external broker (STACK_EXTERNAL_INFRA=1, CI's service container) may not publish its
// rabbitmq_prometheus port; scripts/lib/prometheus.sh then leaves its two jobs out, with a warning.
const RABBIT_JOBS = process.env.STACK_EXTERNAL_INFRA === '1' ? [] : ['rabbitmq', 'rabbitmq-queues'];

describe('Prometheus on the native stack', () => {
  it('when its targets are read, then every replica of every service, the edge, Postgres, Redis and RabbitMQ are scraped and up', async () => {
    // A target added a moment ago is `unknown` until its first scrape (at most 15 s).
    const targets = await until(async () => {
      const t = (await prom<{ activeTargets: Target[] }>('/api/v1/targets?state=active')).activeTargets;
      return t.length > 0 && t.every((x) => x.health !== 'unknown') && t;
    }, 'every target scraped once', 40_000);
    const down = targets.filter((t) => t.health !== 'up').map((t) => `${t.scrapeUrl}: ${t.lastError}`);
    expect(down).toEqual([]);
    const replicas = targets.filter((t) => t.labels.job === 'services').map((t) => t.labels.replica).sort();
    expect(replicas).toEqual(SERVICES.flatMap((s) => Array.from({ length: REPLICAS }, (_, i) => `${s}-${i + 1}`)).sort());
    const jobs = new Set(targets.map((t) => t.labels.job));
    for (const job of ['edge', 'postgres', 'redis', ...RABBIT_JOBS, 'prometheus', 'alertmanager']) expect({ job, scraped: jobs.has(job) }).toEqual({ job, scraped: true });
  });

  it('when the exporters are asked through Prometheus, then each reaches its server', async () => {
    expect(await scalar('min(pg_up)')).toBe(1);
    expect(await scalar('min(redis_up)')).toBe(1);
    expect(await scalar('min(nginx_up)')).toBe(1);
    if (RABBIT_JOBS.length) expect(await scalar('count(rabbitmq_detailed_queue_messages{queue=~".+\\\\.dlq"})')).toBeGreaterThan(0);
  });

  it('when an order is placed and confirmed through the edge, then PromQL over shop_orders_total counts it', async () => {
    // Per series, not summed: right after a reload a replica's counters start again from 0 (or
    // are not there until its first order), and a sum taken before would never be reached.
    const placed = 'shop_orders_total{outcome="placed"}';
    const confirmed = 'shop_orders_total{outcome="confirmed"}';
    const before = { placed: await series(placed), confirmed: await series(confirmed) };
    const admin = await adminToken();
    const product = await newProduct(admin, { stock: 5 });
    const buyer = await newCustomer('prom');
    const reply = await placeOrder(buyer.token, { items: [{ productId: product.id, quantity: 1 }], paymentToken: 'tok_visa' });
    expect(reply.status).toBe(202);
    expect((await finalOrder(buyer.token, reply.body.id)).status).toBe('CONFIRMED');
    // Two scrape intervals and a margin: the counters of whichever replicas did the work.
    await until(async () => growth(before.placed, await series(placed)) >= 1 && growth(before.confirmed, await series(confirmed)) >= 1, 'the order in PromQL', 20_000);
  });

  it('when the drop status page is asked for through the edge, then Prometheus renders it with the shop numbers', async () => {
    const res = await fetch(`${EDGE}/status/drop`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const m of ['orders-per-second', 'sold', 'p99', 'pending']) expect(html).toContain(`data-metric="${m}"`);
    expect(html).not.toMatch(/error executing template|<no value>/);
  });
});
