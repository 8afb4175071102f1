import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { adminToken, api, finalOrder, newCustomer, newProduct, placeOrder, sampledTrace, until } from './api.js';

const JAEGER = process.env.JAEGER_URL ?? 'http://127.0.0.1:16686';

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  processID: string;
  references: Array<{ refType: string; spanID: string }>;
  tags: Array<{ key: string; value: unknown }>;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

async function traceById(traceId: string): Promise<JaegerTrace | undefined> {
  const res = await fetch(`${JAEGER}/api/traces/${traceId}`);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`Jaeger ${res.status}`);
  return ((await res.json()) as { data: JaegerTrace[] }).data[0];
}

const serviceOf = (t: JaegerTrace, s: JaegerSpan) => t.processes[s.processID].serviceName;
const kindOf = (s: JaegerSpan) => s.tags.find((tag) => tag.key === 'span.kind')?.value;

describe('one order, one trace (Jaeger at :16686)', () => {
  it('when an order is placed through :8000, then one trace spans order, inventory and email with the broker hop between them', async () => {
    const admin = await adminToken();
    const product = await newProduct(admin, { stock: 2 });
    const customer = await newCustomer('trace');
    // The platform samples a share of the traces it starts; a caller's sampled trace is always continued.
    const caller = sampledTrace();
    const placed = await placeOrder(customer.token, { items: [{ productId: product.id, quantity: 1 }], paymentToken: 'tok_visa' }, undefined, caller.headers);
    expect(placed.status).toBe(202);
    expect((await finalOrder(customer.token, placed.body.id)).status).toBe('CONFIRMED');

    // Spans reach Jaeger in batches, each replica on its own timer, so the email's may land
    // before the inventory's: wait, bounded, until the spans of all three are in.
    const found = await until(async () => {
      const t = await traceById(caller.traceId);
      const complete = t && ['order', 'inventory', 'email'].every((svc) => t.spans.some((s) => serviceOf(t, s) === svc && kindOf(s) === (svc === 'order' ? 'server' : 'consumer')));
      return complete && t.spans.some((s) => s.operationName === 'payment charge' && s.tags.some((tag) => tag.key === 'shop.order.id' && tag.value === placed.body.id)) ? t : undefined;
    }, 'the order trace with the order, inventory and email services and the payment in Jaeger', 30_000);

    const services = new Set(found.spans.map((s) => serviceOf(found, s)));
    expect([...services]).toEqual(expect.arrayContaining(['order', 'inventory', 'email']));
    // It starts at the caller's request: the order service's POST /api/orders is the only span whose
    // parent is not in the trace, and that parent is the caller's span.
    const ids = new Set(found.spans.map((s) => s.spanID));
    const roots = found.spans.filter((s) => !s.references.some((r) => r.refType === 'CHILD_OF' && ids.has(r.spanID)));
    expect(roots.map((s) => `${serviceOf(found, s)} ${s.operationName}`)).toEqual(['order POST /api/orders']);
    expect(roots[0].references).toEqual([expect.objectContaining({ refType: 'CHILD_OF', spanID: caller.parentId })]);
    // The broker hop: order's publish of order.placed.v1 is the parent of inventory's consumer span.
    const publish = found.spans.find((s) => serviceOf(found, s) === 'order' && s.operationName === 'publish order.placed.v1');
    expect(publish).toBeDefined();
    const consumed = found.spans.find((s) => serviceOf(found, s) === 'inventory' && s.references.some((r) => r.spanID === publish!.spanID));
    expect(consumed && kindOf(consumed)).toBe('consumer');
    // Postgres, Redis and AMQP spans are in it.
    const ops = found.spans.map((s) => s.operationName);
    expect(ops.some((op) => op.startsWith('pg.query'))).toBe(true);
    expect(found.spans.some((s) => s.tags.some((t) => t.key === 'db.system.name' && t.value === 'redis') || s.tags.some((t) => t.key === 'db.system' && t.value === 'redis'))).toBe(true);
  });
});

describe('the edge and a caller\'s trace context', () => {
  it('when a caller sends a traceparent through :8000, then the service continues the caller\'s trace', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const res = await api('POST', '/api/cart', { headers: { traceparent: `00-${traceId}-${parentId}-01` } });
    expect(res.status).toBe(201);
    const trace = await until(async () => {
      const r = await fetch(`${JAEGER}/api/traces/${traceId}`);
      return r.ok ? ((await r.json()) as { data: JaegerTrace[] }).data[0] : undefined;
    }, 'the caller\'s trace in Jaeger', 15_000);
    const server = trace.spans.find((s) => serviceOf(trace, s) === 'cart' && kindOf(s) === 'server');
    expect(server?.references).toEqual([expect.objectContaining({ refType: 'CHILD_OF', spanID: parentId })]);
  });
});
