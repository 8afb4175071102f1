import { baseEnv, grpcServerEnv, loadConfig, z } from '@shop/config';

export const cartEnv = baseEnv.extend({
  SERVICE_NAME: z.string().min(1).default('cart'),
  /** The internal gRPC API (packages/contracts/proto/cart.proto) of this replica. */
  ...grpcServerEnv(4121),
  /** A guest cart nobody has touched for this long is gone (lazily at once, physically by the sweeper). */
  GUEST_CART_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(3_600_000),
  /** Distinct lines one cart may hold; a cart is not a warehouse. */
  MAX_CART_LINES: z.coerce.number().int().min(1).max(1_000).default(100),
  /** Per-user (or per-IP for guests) budget for cart writes. */
  CART_WRITES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
});

export type CartConfig = z.infer<typeof cartEnv>;

/** Caps that are part of the API's contract (the request schemas say them), not tunables. */
export const CART_LIMITS = {
  /** Units of one product in a cart; adding or merging beyond it caps the line, it does not refuse. */
  maxUnitsPerLine: 99,
} as const;

export function readConfig(env: NodeJS.ProcessEnv = process.env): CartConfig {
  return loadConfig(cartEnv, env);
}
