import { describe, expect, it } from '@jest/globals';
import { canTransition, sourcesOf } from '../src/domain/order-state.js';

describe('order state machine', () => {
  it('when an order is CONFIRMED, then it cannot be cancelled, rejected or expired', () => {
    for (const to of ['CANCELLED', 'REJECTED', 'EXPIRED'] as const) expect(canTransition('CONFIRMED', to)).toBe(false);
  });

  it('when a transition targets CONFIRMED, then only RESERVED may lead there', () => {
    expect(sourcesOf('CONFIRMED')).toEqual(['RESERVED']);
    expect(sourcesOf('CANCELLED')).toEqual(['PENDING', 'RESERVED']);
  });

  it('when an order has ended, then nothing moves it again', () => {
    for (const from of ['REJECTED', 'CANCELLED', 'EXPIRED'] as const) expect(sourcesOf('RESERVED')).not.toContain(from);
  });
});
