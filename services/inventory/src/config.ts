import { baseEnv, grpcServerEnv, loadConfig, z } from '@shop/config';

export const inventoryEnv = baseEnv.extend({
  SERVICE_NAME: z.string().min(1).default('inventory'),
  /** The internal gRPC API (packages/contracts/proto/inventory.proto) of this replica. */
  ...grpcServerEnv(4141),
  /** Hold time when an order.placed.v1 carries no usable expiresAt. */
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(120),
  /** How often each replica looks for held reservations past their expiry. */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(100),
});

export type InventoryConfig = z.infer<typeof inventoryEnv>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): InventoryConfig {
  return loadConfig(inventoryEnv, env);
}
