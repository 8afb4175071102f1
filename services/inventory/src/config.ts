import { baseEnv, grpcServerEnv, loadConfig, z } from '@shop/config';

export const inventoryEnv = baseEnv.extend({
  SERVICE_NAME: z.string().min(1).default('inventory'),
  /** The internal gRPC API (packages/contracts/proto/inventory.proto) of this replica. */
  ...grpcServerEnv(4141),
  /**
   * The `expires_at` written when an order.placed.v1 carries no usable expiresAt. Information
   * only: a hold ends when the order service ends its order, never by the clock here.
   */
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(120),
});

export type InventoryConfig = z.infer<typeof inventoryEnv>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): InventoryConfig {
  return loadConfig(inventoryEnv, env);
}
