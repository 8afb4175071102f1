import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { EventParseError, EventTypes, eventSchemas, isMadeEvent, makeEvent, parseEvent } from '../src/index.js';

const placed = () => ({
  orderId: randomUUID(),
  userId: randomUUID(),
  items: [{ productId: randomUUID(), quantity: 2, unitPrice: 1999 }],
  total: 3998,
  currency: 'EUR',
  expiresAt: new Date(Date.now() + 60_000).toISOString(),
});

describe('contracts', () => {
  it('when an event is made, then it is known as validated; a copy or a parsed message is not', () => {
    const event = makeEvent(EventTypes.OrderPlaced, placed(), { source: 'order' });
    expect(isMadeEvent(event)).toBe(true);
    expect(isMadeEvent({ ...event })).toBe(false);
    expect(isMadeEvent(parseEvent(JSON.parse(JSON.stringify(event))))).toBe(false);
  });

  it('when an event is made, then it round-trips through JSON and parseEvent', () => {
    const event = makeEvent(EventTypes.OrderPlaced, placed(), { source: 'order' });
    expect(event.correlationId).toBe(event.id);
    expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('when the data of a known type is wrong, then parseEvent throws EventParseError naming the field', () => {
    const event = makeEvent(EventTypes.OrderPlaced, placed(), { source: 'order', correlationId: 'req-1' });
    const bad = { ...event, data: { ...event.data, total: 39.98 } };
    expect(() => parseEvent(bad)).toThrow(EventParseError);
    expect(() => parseEvent(bad)).toThrow(/total/);
  });

  it('when the envelope lacks an id or has an unversioned type, then parseEvent throws', () => {
    const event = makeEvent(EventTypes.ProductDeleted, { productId: randomUUID() }, { source: 'product' });
    expect(() => parseEvent({ ...event, id: 'nope' })).toThrow(EventParseError);
    expect(() => parseEvent({ ...event, type: 'product.deleted' })).toThrow(EventParseError);
    expect(() => parseEvent('not an object')).toThrow(EventParseError);
  });

  it('when the type is unknown, then only the envelope is validated', () => {
    const event = { ...makeEvent(EventTypes.ProductDeleted, { productId: randomUUID() }, { source: 'p' }), type: 'thing.happened.v9', data: 42 };
    expect(parseEvent(event).data).toBe(42);
  });

  it('when makeEvent is given bad data, then it throws at the producer', () => {
    expect(() => makeEvent(EventTypes.UserRegistered, { userId: randomUUID(), email: 'not-an-email', name: 'A' }, { source: 'user' })).toThrow(EventParseError);
  });

  it('EventTypes names every schema in the registry', () => {
    expect(Object.values(EventTypes).sort()).toEqual(Object.keys(eventSchemas).sort());
  });
});
