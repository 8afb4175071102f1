import { composeService, readinessOf, type PlatformOverrides } from '@shop/service';
import { stockRepository } from './data/stock.repository.js';
import { stockRpc } from './rpc/stock.rpc.js';
import { createApp } from './app.js';
import type { InventoryConfig } from './config.js';
import { startSweeper } from './jobs/reservation-sweeper.js';
import type { ConsumerDeps } from './messaging/handler-context.js';
import { consumeOrderOutcomes } from './messaging/order-outcome.consumer.js';
import { consumeOrderPlaced } from './messaging/order-placed.consumer.js';
import { consumeProductEvents } from './messaging/product-events.consumer.js';

/** The composition root shared by main.ts and the component tests (the start-up is @shop/service). */
export function buildService(config: InventoryConfig, options: PlatformOverrides = {}) {
  return composeService({
    config,
    outbox: true,
    overrides: options,
    wire: (p) => {
      const deps: ConsumerDeps = { uow: p.uow, logger: p.logger, reservationTtlSeconds: config.RESERVATION_TTL_SECONDS };
      const sweeper = startSweeper({ uow: p.uow, logger: p.logger, intervalMs: config.SWEEP_INTERVAL_MS, batchSize: config.SWEEP_BATCH_SIZE });
      return {
        deps,
        sweeper,
        consumers: [consumeProductEvents(p.broker, p.db, deps), consumeOrderPlaced(p.broker, p.db, deps), consumeOrderOutcomes(p.broker, p.db, deps)],
        jobs: [sweeper],
        app: createApp(p),
        rpc: { host: config.GRPC_HOST, port: config.GRPC_PORT, apis: [stockRpc(stockRepository(p.db))], checks: readinessOf(p, 'db') },
      };
    },
  });
}

export type InventoryService = ReturnType<typeof buildService>;
