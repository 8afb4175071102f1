import { describe, expect, it } from '@jest/globals';
import { formatMoney } from '../src/domain/money.js';

describe('formatMoney', () => {
  it.each([
    [2999, 'EUR', '€29.99'],
    [5, 'USD', '$0.05'],
    [500, 'JPY', '¥500'],
    [1234567, 'GBP', '£12,345.67'],
  ])('when %i minor units of %s are formatted, then it reads %s', (minor, currency, expected) => {
    expect(formatMoney(minor, currency)).toBe(expected);
  });
});
