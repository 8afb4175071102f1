import { fileURLToPath } from 'node:url';

/**
 * The .proto files of the internal gRPC APIs (packages/contracts/proto). The same path from
 * src/ and from dist/: both sit one level below the package, beside proto/.
 */
export const PROTO_DIR = fileURLToPath(new URL('../proto/', import.meta.url));

export const PROTOS = {
  cart: { file: 'cart.proto', service: 'shop.cart.v1.Carts' },
  inventory: { file: 'inventory.proto', service: 'shop.inventory.v1.Stock' },
} as const;

export type ProtoName = keyof typeof PROTOS;

/**
 * The messages of each method as the loader gives them (camelCase fields, defaults filled in,
 * int32 as number). Written by hand beside the .proto; packages/contracts/test/protos.test.ts
 * encodes and decodes each through the real .proto, so the two cannot drift apart unnoticed.
 */
export interface RpcMethods {
  cart: {
    GetCart: { request: Record<string, never>; response: CartMessage };
  };
  inventory: {
    GetAvailability: { request: { productId: string }; response: AvailabilityMessage };
  };
}

export interface CartMessage {
  id: string;
  items: Array<{ productId: string; quantity: number }>;
}

export interface AvailabilityMessage {
  productId: string;
  available: number;
}
