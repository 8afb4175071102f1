import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { checkHealth } from '@shop/rpc';
import { adminToken, api, finalOrder, newCustomer, newProduct, placeOrder, sampledTrace, until } from './api.js';
import { replicaPorts } from '../stack.js';

/**
 * The internal gRPC calls on the running platform (docs/decisions.md, "gRPC between services"):
 * orders placed through :8000 make the order service read the cart and the stock figure over
 * gRPC from the cart and inventory replicas, which count what they served (/metrics), and the
 * REST route the order service used to call through the edge sees none of it.
 */
const eco = createRequire(import.meta.url)('../../ecosystem.config.cjs') as { REPLICAS: number; GRPC_SERVICES: Record<string, number> };
const grpcPorts = (svc: string) => Array.from({ length: eco.REPLICAS }, (_, i) => eco.GRPC_SERVICES[svc] + i);

/** Sum of a counter's samples over some replicas' /metrics whose labels include every `label`. */
async function counted(service: string, metric: string, labels: string[]): Promise<number> {
  let sum = 0;
  for (const port of replicaPorts(service)) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const line of text.split('\n')) if (line.startsWith(`${metric}{`) && labels.every((l) => line.includes(l))) sum += Number(line.split(' ').pop());
  }
  return sum;
}
const served = (service: string, method: string) => counted(service, 'rpc_server_duration_seconds_count', [`rpc_method="${method}"`, 'grpc_code="OK"']);
const called = (method: string) => counted('order', 'rpc_client_duration_seconds_count', [`rpc_method="${method}"`, 'grpc_code="OK"']);
const cartReadsOverRest = () => counted('cart', 'http_request_duration_seconds_count', ['method="GET"', 'route="/api/cart"']);

const JAEGER = process.env.JAEGER_URL ?? 'http://127.0.0.1:16686';
interface JaegerSpan { spanID: string; operationName: string; processID: string; references: Array<{ refType: string; spanID: string }>; tags: Array<{ key: string; value: unknown }> }
interface JaegerTrace { spans: JaegerSpan[]; processes: Record<string, { serviceName: string }> }

let admin: string;
beforeAll(async () => {
  admin = await adminToken();
});

describe('gRPC between the services of the running platform', () => {
  it.each(['cart', 'inventory'])('when every %s replica\'s gRPC port is asked, then grpc.health.v1 says SERVING for the server and its API', async (svc) => {
    const api = svc === 'cart' ? 'shop.cart.v1.Carts' : 'shop.inventory.v1.Stock';
    for (const port of grpcPorts(svc)) {
      expect({ port, server: await checkHealth(`127.0.0.1:${port}`), api: await checkHealth(`127.0.0.1:${port}`, api) }).toEqual({ port, server: 'SERVING', api: 'SERVING' });
    }
  });

  it('when a customer orders from their cart through :8000, then the order service read the cart over gRPC, not over the cart\'s REST route', async () => {
    const product = await newProduct(admin, { stock: 10, price: 1234 });
    const customer = await newCustomer('grpc');
    const added = await api('POST', '/api/cart/items', { token: customer.token, body: { productId: product.id, quantity: 3 } });
    expect(added.status).toBe(200);
    const [servedBefore, calledBefore, restBefore] = await Promise.all([served('cart', 'GetCart'), called('GetCart'), cartReadsOverRest()]);

    const placed = await placeOrder(customer.token, { paymentToken: 'tok_visa' });
    expect(placed.status).toBe(202);
    expect(placed.body.items).toEqual([expect.objectContaining({ productId: product.id, quantity: 3 })]);
    expect(placed.body.total).toBe(3 * 1234);

    expect(await served('cart', 'GetCart')).toBeGreaterThan(servedBefore);
    expect(await called('GetCart')).toBeGreaterThan(calledBefore);
    expect(await cartReadsOverRest()).toBe(restBefore);
    expect((await finalOrder(customer.token, placed.body.id)).status).toBe('CONFIRMED');
  });

  it('when a product is ordered for the first time, then the sale gate took its counter from inventory over gRPC', async () => {
    const product = await newProduct(admin, { stock: 4 });
    const customer = await newCustomer('grpc-gate');
    const before = await Promise.all([served('inventory', 'GetAvailability'), called('GetAvailability')]);
    const placed = await placeOrder(customer.token, { items: [{ productId: product.id, quantity: 1 }], paymentToken: 'tok_visa' });
    expect(placed.status).toBe(202);
    const after = await Promise.all([served('inventory', 'GetAvailability'), called('GetAvailability')]);
    expect(after[0]).toBeGreaterThan(before[0]);
    expect(after[1]).toBeGreaterThan(before[1]);
    // The counter the gate took from inventory then refuses the fifth unit at once.
    const rest = await placeOrder(customer.token, { items: [{ productId: product.id, quantity: 3 }], paymentToken: 'tok_visa' });
    expect(rest.status).toBe(202);
    const more = await placeOrder((await newCustomer('grpc-gate2')).token, { items: [{ productId: product.id, quantity: 1 }], paymentToken: 'tok_visa' });
    expect(more.status).toBe(409);
    expect(more.body.error.code).toBe('OUT_OF_STOCK');
  });

  it('when an order seeds the gate over gRPC, then the call is in the order\'s trace: the inventory server span is the child of the order client span', async () => {
    const product = await newProduct(admin, { stock: 3 });
    const customer = await newCustomer('grpc-trace');
    // A sampled caller's trace: the platform continues it whatever share of its own it samples.
    const placed = await placeOrder(customer.token, { items: [{ productId: product.id, quantity: 1 }], paymentToken: 'tok_visa' }, undefined, sampledTrace().headers);
    expect(placed.status).toBe(202);
    const op = 'shop.inventory.v1.Stock/GetAvailability';
    expect((await finalOrder(customer.token, placed.body.id)).status).toBe('CONFIRMED');
    // The order's trace, found as test/e2e/tracing.test.ts finds it (its payment span names the order).
    const trace = await until(async () => {
      const query = new URLSearchParams({ service: 'order', operation: 'payment charge', tags: JSON.stringify({ 'shop.order.id': placed.body.id }), lookback: '1h', limit: '5' });
      const traces = ((await (await fetch(`${JAEGER}/api/traces?${query}`)).json()) as { data: JaegerTrace[] }).data;
      return traces.find((t) => ['order', 'inventory'].every((svc) => t.spans.some((s) => s.operationName === op && t.processes[s.processID].serviceName === svc)));
    }, 'the order trace with both ends of the gRPC call in Jaeger', 30_000);
    const client = trace.spans.find((s) => s.operationName === op && trace.processes[s.processID].serviceName === 'order');
    const server = trace.spans.find((s) => s.operationName === op && trace.processes[s.processID].serviceName === 'inventory');
    expect(client && server).toBeTruthy();
    expect(server!.references).toEqual([expect.objectContaining({ refType: 'CHILD_OF', spanID: client!.spanID })]);
  });

  it('when the public edge is asked for gRPC, then it does not answer it: the internal API is not exposed at :8000', async () => {
    expect(await checkHealth('127.0.0.1:8000', '', 2_000)).not.toBe('SERVING');
    await until(async () => (await api('GET', '/api/products?limit=1')).status === 200, 'the edge to answer HTTP');
  });
});
