import { composeService, readinessOf, type PlatformOverrides } from '@shop/service';
import { stockRepository } from './data/stock.repository.js';
import { stockRpc } from './rpc/stock.rpc.js';
import { createApp } from './app.js';
import type { InventoryConfig } from './config.js';
import type { ConsumerDeps } from './messaging/handler-context.js';
import { consumeOrderOutcomes } from './messaging/order-outcome.consumer.js';
import { consumeOrderPlaced } from './messaging/order-placed.consumer.js';
import { consumeProductEvents } from './messaging/product-events.consumer.js';
import { oldestOverdueHold } from './data/reservation.repository.js';
import { watchOverdueHolds } from './metrics.js';

/** The composition root shared by main.ts and the component tests (the start-up is @shop/service). */
export function buildService(config: InventoryConfig, options: PlatformOverrides = {}) {
  return composeService({
    config,
    outbox: true,
    overrides: options,
    wire: (p) => {
      const deps: ConsumerDeps = { uow: p.uow, logger: p.logger, reservationTtlSeconds: config.RESERVATION_TTL_SECONDS };
      // No sweeper: a hold ends when its order does (order.expired.v1 and the others). Watched only.
      watchOverdueHolds(() => oldestOverdueHold(p.db));
      return {
        deps,
        consumers: [consumeProductEvents(p.broker, p.db, deps), consumeOrderPlaced(p.broker, p.db, deps), consumeOrderOutcomes(p.broker, p.db, deps)],
        jobs: [{ stop: async () => watchOverdueHolds(undefined) }],
        app: createApp(p),
        rpc: { host: config.GRPC_HOST, port: config.GRPC_PORT, apis: [stockRpc(stockRepository(p.db))], checks: readinessOf(p, 'db') },
      };
    },
  });
}

export type InventoryService = ReturnType<typeof buildService>;
