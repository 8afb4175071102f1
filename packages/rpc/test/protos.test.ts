import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { PROTO_DIR, PROTOS, type RpcMethods } from '@shop/contracts';
import { serviceDefinition } from '../src/index.js';

/** Sends each method's TypeScript shape (packages/contracts/src/protos.ts) through the real .proto and back. */
function roundTrip(api: keyof typeof PROTOS, method: string, which: 'request' | 'response', value: object): unknown {
  const m = serviceDefinition(api)[method];
  return which === 'request' ? m.requestDeserialize(m.requestSerialize(value)) : m.responseDeserialize(m.responseSerialize(value));
}

describe('the .proto files and their TypeScript types', () => {
  it('when every .proto in packages/contracts/proto is listed, then each loads with the service PROTOS names', () => {
    expect(readdirSync(PROTO_DIR).filter((f) => f.endsWith('.proto')).sort()).toEqual(Object.values(PROTOS).map((p) => p.file).sort());
    for (const api of Object.keys(PROTOS) as Array<keyof typeof PROTOS>) expect(Object.keys(serviceDefinition(api)).length).toBeGreaterThan(0);
  });

  it('when the TypeScript shapes go through the .proto, then they come back field for field', () => {
    const cart: RpcMethods['cart']['GetCart']['response'] = { id: 'c1', items: [{ productId: 'p1', quantity: 2 }] };
    const ask: RpcMethods['inventory']['GetAvailability']['request'] = { productId: 'p1' };
    const stock: RpcMethods['inventory']['GetAvailability']['response'] = { productId: 'p1', available: 5 };
    expect(roundTrip('cart', 'GetCart', 'response', cart)).toEqual(cart);
    expect(roundTrip('cart', 'GetCart', 'request', {})).toEqual({});
    expect(roundTrip('inventory', 'GetAvailability', 'request', ask)).toEqual(ask);
    expect(roundTrip('inventory', 'GetAvailability', 'response', stock)).toEqual(stock);
  });

  it('when every method of a .proto is in RpcMethods, then the types name them all', () => {
    const typed: Record<keyof typeof PROTOS, string[]> = { cart: ['GetCart'] satisfies Array<keyof RpcMethods['cart']>, inventory: ['GetAvailability'] satisfies Array<keyof RpcMethods['inventory']> };
    for (const api of Object.keys(PROTOS) as Array<keyof typeof PROTOS>) expect(Object.keys(serviceDefinition(api)).sort()).toEqual(typed[api].sort());
  });
});
