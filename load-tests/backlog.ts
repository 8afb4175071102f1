/**
 * Event backlog drain: publishes EVENTS product.updated.v1 events (real products, their
 * current data, so the effect is harmless) as fast as the broker confirms them, then
 * watches every queue bound to that event until it is empty. Prints JSON:
 * {events, queues, seconds, perSecond}. perSecond counts deliveries handled by the
 * consumers (events x queues) per second, from the first publish to the last empty queue.
 * Usage: tsx load-tests/backlog.ts   (EVENTS, AMQP_URL, BASE_URL, RABBIT_API to override)
 */
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';

const EVENTS = Number(process.env.EVENTS ?? 100_000);
// As the product service's own broker user: consumers dead-letter a product.updated.v1 whose
// AMQP user_id is not `product` (ALLOWED_SENDERS), and RabbitMQ checks user_id against the login.
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://product:product_mq_pw@127.0.0.1:5672';
const SENDER = decodeURIComponent(new URL(AMQP_URL).username);
const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8000';
const RABBIT_API = process.env.RABBIT_API ?? 'http://guest:guest@127.0.0.1:15672/api';
const TYPE = 'product.updated.v1';
const TIMEOUT_MS = 300_000;

interface Product { id: string; sku: string; name: string; price: number; currency: string; categoryId?: string; status: string }

async function products(): Promise<Product[]> {
  const res = await fetch(`${BASE_URL}/api/products?limit=100`);
  if (!res.ok) throw new Error(`listing products: ${res.status}`);
  return ((await res.json()) as { items: Product[] }).items;
}

async function rabbit<T>(path: string): Promise<T> {
  const url = new URL(`${RABBIT_API}${path}`);
  const auth = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
  url.username = '';
  url.password = '';
  const res = await fetch(url, { headers: { Authorization: `Basic ${auth}` } });
  if (!res.ok) throw new Error(`RabbitMQ API ${path}: ${res.status}`);
  return (await res.json()) as T;
}

async function boundQueues(): Promise<string[]> {
  const bindings = await rabbit<Array<{ source: string; destination: string; routing_key: string; destination_type: string }>>('/bindings/%2F');
  return [...new Set(bindings.filter((b) => b.source === 'shop.events' && b.routing_key === TYPE && b.destination_type === 'queue').map((b) => b.destination))];
}

async function main(): Promise<void> {
  const catalog = await products();
  const queues = await boundQueues();
  if (queues.length === 0) throw new Error(`no queue is bound to ${TYPE}: is the platform up?`);
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createConfirmChannel();
  const started = Date.now();
  for (let sent = 0; sent < EVENTS; ) {
    for (let n = 0; n < 1000 && sent < EVENTS; n++, sent++) {
      const p = catalog[sent % catalog.length];
      // The API lists statuses in lower case; the event contract spells them in upper case.
      const data = { productId: p.id, sku: p.sku, name: p.name, price: p.price, currency: p.currency, status: p.status.toUpperCase(), ...(p.categoryId ? { categoryId: p.categoryId } : {}) };
      const envelope = { id: randomUUID(), type: TYPE, occurredAt: new Date().toISOString(), source: 'backlog-bench', correlationId: randomUUID(), data };
      channel.publish('shop.events', TYPE, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: envelope.id, contentType: 'application/json', userId: SENDER });
    }
    await channel.waitForConfirms();
  }
  const published = Date.now();

  // A passive declare reports the ready count at once (the HTTP API's numbers lag by seconds).
  let left = Infinity;
  while (left > 0 && Date.now() - started < TIMEOUT_MS) {
    await new Promise((r) => setTimeout(r, 100));
    const depths = await Promise.all(queues.map((q) => channel.checkQueue(q)));
    left = depths.reduce((sum, q) => sum + q.messageCount, 0);
  }
  await connection.close();
  const seconds = (Date.now() - started) / 1000;
  const deliveries = EVENTS * queues.length;
  console.log(JSON.stringify({
    events: EVENTS,
    queues,
    publishSeconds: (published - started) / 1000,
    seconds,
    drained: left === 0,
    perSecond: Math.round(deliveries / seconds),
    note: `${deliveries} deliveries over ${queues.length} queues; ${left === 0 ? 'all drained' : `${left} left after the ${TIMEOUT_MS / 1000} s limit`}`,
  }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
