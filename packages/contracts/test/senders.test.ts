import { describe, expect, it } from '@jest/globals';
import { ALLOWED_SENDERS, eventSchemas, maySend, typesSentBy } from '../src/index.js';

describe('allowed senders', () => {
  it('when an event type exists, then exactly one service may send it, the one its name starts with (invoices: order; creators: product)', () => {
    expect(Object.keys(ALLOWED_SENDERS).sort()).toEqual(Object.keys(eventSchemas).sort());
    const owners: Record<string, string> = { invoice: 'order', creator: 'product' };
    const owner = (type: string) => owners[type.split('.')[0]] ?? type.split('.')[0];
    for (const [type, sender] of Object.entries(ALLOWED_SENDERS)) expect({ type, sender }).toEqual({ type, sender: owner(type) });
  });

  it('when a sender is not the owner of a type, or unknown, or missing, then it may not send it', () => {
    expect(maySend('product', 'product.updated.v1')).toBe(true);
    expect(maySend('cart', 'product.updated.v1')).toBe(false);
    expect(maySend('guest', 'product.updated.v1')).toBe(false);
    expect(maySend(undefined, 'product.updated.v1')).toBe(false);
    expect(maySend('product', 'product.repriced.v1')).toBe(false);
    expect(maySend('product', 'toString')).toBe(false);
  });

  it('when a test brings its own table, then that table decides', () => {
    expect(maySend('guest', 'product.updated.v1', { 'product.updated.v1': 'guest' })).toBe(true);
    expect(maySend('product', 'product.updated.v1', { 'product.updated.v1': 'guest' })).toBe(false);
  });

  it('when the broker rights are made, then a service sends only its own types and cart and email none', () => {
    expect(typesSentBy('order').sort()).toEqual(['invoice.issued.v1', 'order.cancelled.v1', 'order.confirmed.v1', 'order.expired.v1', 'order.placed.v1', 'order.rejected.v1']);
    expect(typesSentBy('product').sort()).toEqual(['creator.updated.v1', 'product.created.v1', 'product.deleted.v1', 'product.updated.v1']);
    expect(typesSentBy('cart')).toEqual([]);
    expect(typesSentBy('email')).toEqual([]);
  });
});
