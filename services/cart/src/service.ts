import type { RequestHandler } from '@shop/http';
import { composeService, readinessOf, type PlatformOverrides } from '@shop/service';
import { knexStores } from './data/stores.js';
import { cartRpc } from './rpc/cart.rpc.js';
import { createApp } from './app.js';
import type { CartConfig } from './config.js';
import { startGuestCartSweeper } from './jobs/guest-cart-sweeper.js';
import { consumeCreatorEvents } from './messaging/creator.consumer.js';
import { consumeOrderConfirmed } from './messaging/order-confirmed.consumer.js';
import { consumeProductEvents } from './messaging/product.consumer.js';

export interface CartOptions extends PlatformOverrides {
  /** Override the write budget (tests); defaults to a Redis-backed per-user limiter. */
  writeLimit?: RequestHandler;
  retryDelaysMs?: number[];
}

/** The composition root shared by main.ts and the component tests (the start-up is @shop/service). */
export function buildService(config: CartConfig, options: CartOptions = {}) {
  return composeService({
    config,
    outbox: false,
    overrides: options,
    wire: (p) => ({
      consumers: [
        consumeProductEvents(p.broker, p.db, options.retryDelaysMs),
        consumeOrderConfirmed(p.broker, p.db, options.retryDelaysMs),
        consumeCreatorEvents(p.broker, p.db, options.retryDelaysMs),
      ],
      jobs: [startGuestCartSweeper(p.db, p.logger, config.GUEST_CART_TTL_DAYS, config.SWEEP_INTERVAL_MS)],
      app: createApp({ ...p, writeLimit: options.writeLimit }),
      rpc: {
        host: config.GRPC_HOST,
        port: config.GRPC_PORT,
        apis: [cartRpc({ auth: p.auth, stores: knexStores(p.db), policy: { guestTtlDays: config.GUEST_CART_TTL_DAYS } })],
        checks: readinessOf(p, 'db', 'redis', 'keycloak'),
      },
    }),
  });
}

export type CartService = ReturnType<typeof buildService>;
