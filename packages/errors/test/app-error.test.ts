import { describe, expect, it } from '@jest/globals';
import { AppError, ErrorCatalogue, ErrorCodes, isErrorCode, type CodeWithStatus } from '../src/index.js';

describe('AppError and the catalogue', () => {
  it('when an error is thrown with a code, then its status is the catalogue\'s for that code', () => {
    expect(new AppError('OUT_OF_STOCK', 'Sold out').status).toBe(409);
    expect(new AppError('IDEMPOTENCY_KEY_REUSED', 'x').status).toBe(422);
    expect(AppError.unavailable('The cart').status).toBe(503);
    for (const code of Object.keys(ErrorCatalogue) as Array<keyof typeof ErrorCatalogue>) {
      expect(new AppError(code, 'x').status).toBe(ErrorCatalogue[code]);
    }
  });

  it('when details and headers are given, then they travel with the error', () => {
    const err = new AppError('RATE_LIMITED', 'slow down', { details: { retryAfterSec: 2 }, headers: { 'Retry-After': '2' } });
    expect([err.details, err.headers]).toEqual([{ retryAfterSec: 2 }, { 'Retry-After': '2' }]);
  });

  it('when a code is not in the catalogue, or comes with a status, then it does not compile', () => {
    // @ts-expect-error: not a code the platform answers with
    expect(new AppError('NOT_A_CODE', 'x').status).toBeUndefined();
    // @ts-expect-error: the status comes from the catalogue, never from the caller
    void new AppError('OUT_OF_STOCK', 'x', 404);
    // @ts-expect-error: conflict() takes only 409 codes
    void AppError.conflict('NOT_FOUND', 'x');
    const fourHundreds: Array<CodeWithStatus<400>> = ['VALIDATION_FAILED', 'INVALID_CURSOR'];
    expect(fourHundreds.every((c) => ErrorCatalogue[c] === 400)).toBe(true);
  });

  it('when a code is named by its constant, then the constant is the code', () => {
    expect(ErrorCodes.OUT_OF_STOCK).toBe('OUT_OF_STOCK');
    expect(Object.keys(ErrorCodes)).toEqual(Object.keys(ErrorCatalogue));
    expect([isErrorCode('CART_FULL'), isErrorCode('toString'), isErrorCode('OOPS')]).toEqual([true, false, false]);
  });
});
