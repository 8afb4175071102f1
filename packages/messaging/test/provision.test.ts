import { describe, expect, it } from '@jest/globals';
import { brokerGrant } from '../src/provision.js';

const matches = (pattern: string, name: string) => new RegExp(pattern).test(name);

describe('broker grants', () => {
  it('when product is granted, then it may publish only product routing keys and touch only its own queues', () => {
    const g = brokerGrant('product');
    expect(g.tags).toBe('');
    expect(g.topic).toEqual({ exchange: 'shop.events', write: expect.any(String), read: '.*' });
    for (const key of ['product.created.v1', 'product.updated.v1', 'product.deleted.v1']) expect(matches(g.topic!.write, key)).toBe(true);
    for (const key of ['order.placed.v1', 'product.updated.v1x', 'xproduct.updated.v1', '#', 'product.#']) expect({ key, ok: matches(g.topic!.write, key) }).toEqual({ key, ok: false });
    expect(matches(g.permissions.write, 'shop.events')).toBe(true);
    expect(matches(g.permissions.configure, 'product.x.dlq')).toBe(true);
    for (const name of ['shop.events', 'shop.retry', 'shop.unrouted', 'order.inventory', 'products.x', 'amq.gen-1']) {
      expect({ name, configure: matches(g.permissions.configure, name) }).toEqual({ name, configure: false });
    }
    expect(matches(g.permissions.read, 'order.inventory')).toBe(false);
    expect(matches(g.permissions.read, 'product.x')).toBe(true);
  });

  it('when cart is granted, then it may not publish to shop.events at all', () => {
    const g = brokerGrant('cart');
    expect(g.topic).toBeUndefined();
    expect(matches(g.permissions.write, 'shop.events')).toBe(false);
    expect(matches(g.permissions.write, 'shop.retry')).toBe(true);
    expect(matches(g.permissions.read, 'cart.product-snapshots')).toBe(true);
    expect(matches(g.permissions.read, 'order.product-snapshots')).toBe(false);
  });
});
