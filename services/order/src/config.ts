import { baseEnv, grpcTarget, loadConfig, z } from '@shop/config';
import { HELD_WAIT_MAX_MS } from '@shop/http';

/** The order service's environment; process.env is read here and nowhere else. */
export const orderEnv = baseEnv.extend({
  SERVICE_NAME: z.string().min(1).default('order'),
  /** A drop runs placements, consumers and the payment worker at once; 10 ran dry (503s). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(20),
  /**
   * The cart and inventory replicas' gRPC ports (docs/conventions.md, Ports), balanced round
   * robin by the client (@shop/rpc); never the public edge. A gRPC target or a host:port list.
   */
  CART_GRPC_TARGET: grpcTarget.default('127.0.0.1:4121,127.0.0.1:4122'),
  INVENTORY_GRPC_TARGET: grpcTarget.default('127.0.0.1:4141,127.0.0.1:4142'),
  /** The deadline of every call to cart and inventory, retries included (then 503 or fail open). */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(2_000),
  /**
   * Units one drop admission holds when the product has no cap of its own. Not a cap on
   * ordinary orders: a product whose maxPerCustomer is null has none.
   */
  MAX_PER_CUSTOMER: z.coerce.number().int().min(1).max(1_000).default(5),
  /** An order's time to be reserved and paid (sent as expiresAt); inventory holds its units until the order ends. */
  ORDER_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  /** A charge not answered within this time counts as declined (PAYMENT_TIMEOUT). */
  PAYMENT_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(3_000),
  /** How long the simulator sits on tok_timeout; must exceed PAYMENT_TIMEOUT_MS. */
  PAYMENT_SIMULATED_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /** Orders one user may place per window (all replicas together). */
  ORDER_RATE_LIMIT_POINTS: z.coerce.number().int().min(1).max(100_000).default(10),
  ORDER_RATE_LIMIT_WINDOW_SEC: z.coerce.number().int().min(1).max(3_600).default(10),
  /**
   * How often orders past their expiresAt are expired (RESERVED unpaid ones at once, PENDING
   * ones after the grace); 0: never, and then inventory holds their units for good.
   */
  PENDING_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  PENDING_EXPIRY_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  GATE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /**
   * How long a replica answers a product's orders "sold out" from memory after the gate said so
   * (units coming back end it at once, on every replica); 0: every order asks the gate.
   */
  SOLD_OUT_FLAG_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** An in-flight idempotency key older than this belongs to a crashed request and may be taken over. */
  IDEMPOTENCY_STALE_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
  /** Drop queue polls: the server tells each client to wait between these (with jitter). */
  DROP_POLL_MIN_MS: z.coerce.number().int().min(100).max(60_000).default(500),
  /** Also the bound on how late a waiting buyer learns of a sell-out. */
  DROP_POLL_MAX_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  /**
   * The longest a held poll (queue/me/wait) waits, counted from when the edge sent it (75-100% of
   * it, jittered). At most HELD_WAIT_MAX_MS (@shop/http: the edges' read timeout less the margin
   * kept for the answer), so no setting can make a held poll outlive the edge's timeout.
   */
  DROP_HELD_POLL_MS: z.coerce.number().int().min(0).max(HELD_WAIT_MAX_MS).default(HELD_WAIT_MAX_MS),
  /** The admission-token signing key as a private Ed25519 JWK; unset: one shared key is kept in Postgres. */
  DROP_ADMISSION_KEY: z.string().min(1).optional(),
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  /** The seller printed on every invoice; the address's lines are separated by `|`. */
  SELLER_NAME: z.string().min(1).default('Drop Shop Ltd'),
  SELLER_ADDRESS: z
    .string()
    .min(1)
    .default('1 Market Street|London EC1A 1AA|GB')
    .transform((s) => s.split('|').map((l) => l.trim()).filter(Boolean)),
  SELLER_VAT_ID: z.string().min(1).default('GB000000000'),
});

export type OrderConfig = z.infer<typeof orderEnv>;

/** Caps that are part of the API's contract (the request schema says them), not tunables. */
export const ORDER_LIMITS = {
  /** Lines in one order (a body's items, or the cart's). */
  maxLines: 50,
  /** Units of one product in one order. */
  maxUnitsPerLine: 10,
} as const;

export function readConfig(env: NodeJS.ProcessEnv = process.env): OrderConfig {
  return loadConfig(orderEnv, env);
}
