import amqp from 'amqplib';
import { makeEvent } from '@shop/contracts';
import { createTestUser, PeerBus, runServiceScript, startServiceProcess, TEST_ADMIN_AMQP, testAmqpUrl, testEnv, waitFor, type ServiceProcess, type TestUser } from '@shop/testing';

/**
 * The real inventory and cart services, as child processes, for the order tests: inventory
 * seeds the sale gate (gRPC GetAvailability), cart gives the items of an order without any
 * (gRPC GetCart); the order service reaches both at their `grpcAddress`.
 * They get a vhost of their own so they never consume the events the order tests publish.
 */
const VHOST = 'test-order-peers';
/** The tests' administrator there; the peers connect as their own broker users. */
const AMQP_URL = TEST_ADMIN_AMQP(VHOST);
const RABBIT_API = process.env.RABBIT_API ?? 'http://127.0.0.1:15672/api';
const RABBIT_AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
// Each service's product.created.v1 queue (its consumer's name); readiness does not wait for consumers.
const PRODUCT_QUEUES = ['inventory.product-events', 'cart.product-snapshots'];

async function rabbit(method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${RABBIT_API}${path}`, {
    method,
    headers: { authorization: RABBIT_AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`RabbitMQ ${method} ${path}: ${res.status} ${await res.text()}`);
}

/** Until every queue exists and has a consumer, an event published now could reach nobody. */
async function waitForConsumers(queues: string[]): Promise<void> {
  const conn = await amqp.connect(AMQP_URL);
  try {
    for (const queue of queues) {
      await waitFor(
        async () => {
          const ch = await conn.createChannel();
          ch.on('error', () => {}); // a missing queue closes the channel with 404
          try {
            return (await ch.checkQueue(queue)).consumerCount > 0;
          } finally {
            await ch.close().catch(() => {});
          }
        },
        { timeoutMs: 15_000, intervalMs: 200, what: `a consumer on ${VHOST}/${queue}` },
      );
    }
  } finally {
    await conn.close().catch(() => {});
  }
}

export class Peers {
  inventory?: ServiceProcess;
  cart?: ServiceProcess;
  private bus = new PeerBus(VHOST);
  private admin?: TestUser;

  async start(): Promise<void> {
    await rabbit('PUT', `/vhosts/${VHOST}`);
    await rabbit('PUT', `/permissions/${VHOST}/guest`, { configure: '.*', write: '.*', read: '.*' });
    const env = (name: string, extra: Record<string, string>) =>
      testEnv(name, { AMQP_URL: testAmqpUrl(name, VHOST), INSTANCE_ID: `${name}-order-tests`, LOG_LEVEL: 'info', ...extra });
    await Promise.all(['inventory', 'cart'].map((name) => runServiceScript(name, 'migrate', { DATABASE_URL: testEnv(name).DATABASE_URL })));
    // Settled, not all: a peer that started must be stoppable by close() even if the other failed.
    const [inventory, cart] = await Promise.allSettled([
      startServiceProcess('inventory', env('inventory', {})),
      startServiceProcess('cart', env('cart', { CART_WRITES_PER_MINUTE: '100000' })),
    ]);
    if (inventory.status === 'fulfilled') this.inventory = inventory.value;
    if (cart.status === 'fulfilled') this.cart = cart.value;
    for (const r of [inventory, cart]) if (r.status === 'rejected') throw r.reason;
    await waitForConsumers(PRODUCT_QUEUES);
  }

  /** Announces a product as the product service would, and waits until inventory and cart both know it. */
  async createProduct(productId: string, { price = 2999, currency = 'EUR', initialStock }: { price?: number; currency?: string; initialStock: number }) {
    const data = { productId, sku: `SKU-${productId.slice(0, 8)}`, name: `Product ${productId.slice(0, 6)}`, price, currency, status: 'ACTIVE' as const, initialStock };
    await this.bus.publish(makeEvent('product.created.v1', data, { source: 'product-test' }));
    await waitFor(async () => (await this.availableInInventory(productId)) === initialStock, { what: `inventory to hold ${initialStock} of ${productId}` });
    // A guest cart takes the product once cart's snapshot has it (404 PRODUCT_NOT_FOUND before).
    const guest = await this.call(this.cart!, 'POST', '/api/cart');
    await waitFor(async () => (await this.call(this.cart!, 'POST', '/api/cart/items', { productId, quantity: 1 }, { 'x-cart-id': guest.body.id })).status === 200, {
      what: `the cart service to accept ${productId}`,
      intervalMs: 200,
    });
  }

  async availableInInventory(productId: string): Promise<number | undefined> {
    const res = await this.call(this.inventory!, 'GET', `/api/inventory/${productId}`);
    return res.status === 200 ? res.body.available : undefined;
  }

  /** An admin's shelf count (PUT /api/inventory/:id), as after a recount. */
  async setStock(productId: string, available: number): Promise<void> {
    this.admin ??= await createTestUser({ roles: ['admin'] });
    const res = await this.call(this.inventory!, 'PUT', `/api/inventory/${productId}`, { available }, { authorization: `Bearer ${this.admin.accessToken}` });
    if (res.status !== 200) throw new Error(`PUT /api/inventory/${productId}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** Puts units in the user's own cart through the cart API, with the user's token. */
  async addToCart(accessToken: string, productId: string, quantity: number): Promise<void> {
    const res = await this.call(this.cart!, 'POST', '/api/cart/items', { productId, quantity }, { authorization: `Bearer ${accessToken}` });
    if (res.status !== 200) throw new Error(`POST /api/cart/items: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async close(): Promise<void> {
    await this.bus.close();
    await Promise.all([this.inventory?.stop(), this.cart?.stop()]);
  }

  private async call(peer: ServiceProcess, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${peer.url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
}
