import { rateLimit } from '@shop/ratelimit';
import { rpcClient } from '@shop/rpc';
import { composeService, type Platform, type PlatformOverrides } from '@shop/service';
import { ORDER_LIMITS, type OrderConfig } from './config.js';
import { createApp } from './app.js';
import { breakerFor } from '@shop/cache';
import { createDb } from '@shop/db';
import { gateKey, idempotencyMarkerKey, RedisSaleGate } from './gate/redis-sale-gate.js';
import { BoardedGate, SoldOutBoard } from './gate/sold-out-board.js';
import { idempotencyProbe } from './data/idempotency-probe.js';
import { soldOutLane } from './http/sold-out-lane.js';
import { InventoryClient } from './clients/inventory.client.js';
import { CartClient } from './clients/cart.client.js';
import { SimulatedPaymentProvider } from './payment/simulated.provider.js';
import type { PaymentProvider } from './domain/payment-provider.js';
import type { OutcomeDeps } from './domain/order-outcomes.js';
import { startGateReconciler, startKeySweeper, startPaymentWorker, startOrderExpirer } from './jobs/background.js';
import type { Loop } from '@shop/jobs';
import { consumeInventoryEvents } from './messaging/inventory.consumer.js';
import { consumeProductEvents, consumeUserEvents } from './messaging/snapshot.consumers.js';
import { orderDb } from './data/order-stores.js';
import { dropRepository } from './data/drop.repository.js';
import { RedisDropQueue } from './gate/redis-drop-queue.js';
import { JoseAdmissionSigner } from './gate/admission-signer.js';
import { LiveDropDirectory } from './gate/drop-directory.js';
import { DropTicker } from './gate/drop-ticker.js';
import { DropAwareGate } from './gate/drop-aware-gate.js';
import { openDrop } from './domain/open-drop.js';
import type { DropDeps } from './domain/drops.js';
import { consumeConfirmedOrders } from './messaging/invoice.consumer.js';
import { PdfInvoiceRenderer } from './documents/pdf-invoice.renderer.js';
import { invoiceRepository } from './data/invoice.repository.js';
import { openBacklog } from './data/order.repository.js';
import { observePayment, watchDrops, watchPending, type DropReading } from './metrics.js';

export interface OrderOptions extends PlatformOverrides {
  provider?: PaymentProvider;
}

/** The composition root shared by main.ts and the component tests (the start-up is @shop/service). */
export function buildService(config: OrderConfig, options: OrderOptions = {}) {
  const service = composeService({ config, outbox: true, overrides: options, wire: (p) => wireOrders(config, options, p) });
  return { ...service, subscriptions: service.consumers };
}

export type OrderService = ReturnType<typeof buildService>;

function wireOrders(config: OrderConfig, options: OrderOptions, p: Platform<OrderConfig, true>) {
  const { db, redis, broker, auth, logger, uow } = p;
  const store = orderDb(uow);
  // One gRPC channel per peer service, round robin over its replicas (docs/decisions.md, "gRPC between services").
  const cartRpc = rpcClient('cart', { target: config.CART_GRPC_TARGET, deadlineMs: config.UPSTREAM_TIMEOUT_MS, what: 'The cart service' });
  const stockRpc = rpcClient('inventory', { target: config.INVENTORY_GRPC_TARGET, deadlineMs: config.UPSTREAM_TIMEOUT_MS, what: 'The inventory service' });
  const stock = new InventoryClient(stockRpc, logger);
  const redisGate = new RedisSaleGate(redis, stock, logger);
  // Sold-out flags in memory, raised by what the gate answers and lowered by every restock (issue 11).
  const board = new SoldOutBoard({ redis, logger, ttlMs: config.SOLD_OUT_FLAG_MS });
  board.start();
  const gate = new BoardedGate(redisGate, board);
  const provider = options.provider ?? new SimulatedPaymentProvider(config.PAYMENT_SIMULATED_DELAY_MS);
  const wake = { kick: () => payments?.kick() };
  // The drop kit: queue and holds on Redis, admission tokens signed with Ed25519, live drops in memory.
  const dropQueue = new RedisDropQueue(redis);
  const records = dropRepository(db);
  const signer = new JoseAdmissionSigner(db, config.DROP_ADMISSION_KEY);
  void signer.ready().catch((err: Error) => logger.warn({ err: err.message }, 'admission key not loaded yet; loading on first use'));
  const directory: LiveDropDirectory = new LiveDropDirectory({
    db,
    redis,
    queue: dropQueue,
    logger,
    open: (drop) => openDrop({ records, products: store.products, queue: dropQueue, units: (id) => redisGate.units(id), defaultCap: config.MAX_PER_CUSTOMER, logger }, drop),
  });
  directory.start();
  // Admissions advance on this timer (joins and polls only read); held polls wait on its readings.
  const ticker = new DropTicker({ queue: dropQueue, live: () => directory.live(), logger });
  ticker.start();
  const drops: DropDeps = {
    records,
    products: store.products,
    queue: dropQueue,
    signer,
    announce: (drop) => directory.announce(drop),
    watch: ticker,
    settings: { pollMinMs: config.DROP_POLL_MIN_MS, pollMaxMs: config.DROP_POLL_MAX_MS, heldPollMs: config.DROP_HELD_POLL_MS },
  };
  const admission = { directory, signer, queue: dropQueue, logger };

  const outcomes: OutcomeDeps = { gate: new DropAwareGate(gate, directory, dropQueue, logger), payments: wake, logger };
  const payments: Loop = startPaymentWorker({ ...outcomes, store, provider, timeoutMs: config.PAYMENT_TIMEOUT_MS, observe: observePayment });
  const loops: Loop[] = [payments, startKeySweeper({ store, logger, ttlHours: config.IDEMPOTENCY_TTL_HOURS })];
  if (config.PENDING_EXPIRY_INTERVAL_MS > 0) {
    loops.push(startOrderExpirer({ ...outcomes, store, intervalMs: config.PENDING_EXPIRY_INTERVAL_MS, graceMs: config.PENDING_EXPIRY_GRACE_MS }));
  }
  if (config.GATE_RECONCILE_INTERVAL_MS > 0) {
    loops.push(startGateReconciler({ store, gate, stock, logger, intervalMs: config.GATE_RECONCILE_INTERVAL_MS }));
  }

  const seller = { name: config.SELLER_NAME, address: config.SELLER_ADDRESS, vatId: config.SELLER_VAT_ID };
  const consumers = [
    consumeProductEvents(broker, uow),
    consumeUserEvents(broker, uow),
    consumeInventoryEvents(broker, uow, outcomes),
    consumeConfirmedOrders(broker, uow, { seller, renderer: new PdfInvoiceRenderer() }),
  ];
  const placeLimiter = rateLimit({
    redis,
    keyPrefix: 'rl:orders',
    points: config.ORDER_RATE_LIMIT_POINTS,
    durationSec: config.ORDER_RATE_LIMIT_WINDOW_SEC,
    by: 'user',
  });
  const place = {
    store,
    gate,
    cart: new CartClient(cartRpc, logger),
    logger,
    admission,
    settings: {
      maxLines: ORDER_LIMITS.maxLines,
      maxUnitsPerLine: ORDER_LIMITS.maxUnitsPerLine,
      orderTtlSeconds: config.ORDER_TTL_SECONDS,
      idempotencyStaleMs: config.IDEMPOTENCY_STALE_MS,
      idempotencyTtlHours: config.IDEMPOTENCY_TTL_HOURS,
    },
  };
  // Read at scrape time only: one Redis script and one GET per live drop, one indexed count.
  watchDrops(() =>
    Promise.all(
      directory.live().map(async (d): Promise<DropReading | undefined> => {
        const [state, gateUnits] = await Promise.all([dropQueue.state(d.id), redis.get(gateKey(d.productId))]);
        if (!state) return undefined;
        const units = gateUnits === null ? undefined : Math.max(0, Number(gateUnits));
        return { dropId: d.id, productId: d.productId, status: state.status, queueLength: state.queueLength, admitted: state.admitted, holds: state.holds, unitsLeft: state.unitsLeft, gateUnits: units };
      }),
    ).then((all) => all.filter((d): d is DropReading => d !== undefined)),
  );
  watchPending(() => openBacklog(db));
  const breaker = breakerFor(redis, logger);
  // A pool of its own: the sold-out answers' key look-ups must not queue behind the orders' transactions
  // for the service's pool (drop.js at 2,000/s: 2.4 s sold-out answers while 300 orders committed).
  const probeDb = createDb(config.DATABASE_URL, { poolMax: 2, acquireTimeoutMs: 1_000, statementTimeoutMs: 1_000 });
  const probe = idempotencyProbe(probeDb);
  const soldOut = soldOutLane({
    auth,
    logger,
    soldOut: {
      flags: board,
      dropForProduct: (id) => directory.dropForProduct(id),
      // The marker first (a key being claimed right now has it before its row), then the row itself.
      keyKnown: async (userId, key) => (await breaker.run(() => redis.exists(idempotencyMarkerKey(userId, key)))) === 1 || (await probe(userId, key)),
    },
  });
  const app = createApp({ logger, db, store, redis, broker, auth, place, outcomes, placeLimiter, drops, invoices: invoiceRepository(db), jwks: () => signer.publicJwks(), soldOut });

  const unwatch = { stop: async () => (watchDrops(undefined), watchPending(undefined)) };
  const closers = [async () => (cartRpc.close(), stockRpc.close()), () => probeDb.destroy()];
  return { app, gate: redisGate, saleGate: gate, drops, consumers, jobs: [...loops, directory, ticker, board, unwatch], closers };
}
