/**
 * Every error code the platform answers with, and the HTTP status it always goes with.
 * Codes, not classes, cross process boundaries: clients and other services branch on these
 * strings, so never rename one. A code has exactly one status: `new AppError(code, ...)`
 * takes it from here, so a code cannot be thrown with another. A service that needs a new
 * refusal adds its code here first (test/architecture/error-catalogue.test.ts also checks the codes the
 * edge writes itself, in nginx and Kong, against this table).
 */
export const ErrorCatalogue = {
  // 400: the request itself is wrong
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  INVALID_CURSOR: 400,
  INVALID_REFRESH_TOKEN: 400,
  WEAK_PASSWORD: 400,
  CATEGORY_NOT_FOUND: 400,
  CREATOR_NOT_FOUND: 400,
  UNKNOWN_PRODUCT: 400,
  MIXED_CURRENCY: 400,
  EMPTY_ORDER: 400,
  IDEMPOTENCY_KEY_MISSING: 400,
  QUERY_TOO_DEEP: 400,
  QUERY_TOO_COSTLY: 400,
  // 401, 403: who is asking
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  ADMISSION_REQUIRED: 403,
  // 404: nothing at this address (for this caller)
  NOT_FOUND: 404,
  CART_NOT_FOUND: 404,
  PRODUCT_NOT_FOUND: 404,
  ITEM_NOT_FOUND: 404,
  NOT_IN_QUEUE: 404,
  // 409: the request is fine, the state of things says no
  CONFLICT: 409,
  EMAIL_TAKEN: 409,
  SKU_TAKEN: 409,
  SLUG_TAKEN: 409,
  CURRENCY_MISMATCH: 409,
  CART_FULL: 409,
  OUT_OF_STOCK: 409,
  PURCHASE_LIMIT_EXCEEDED: 409,
  IDEMPOTENCY_KEY_IN_FLIGHT: 409,
  INVALID_STATE: 409,
  DROP_EXISTS: 409,
  DROP_NOT_OPEN: 409,
  DROP_CLOSED: 409,
  STOCK_OUT_OF_RANGE: 409,
  ORDER_NOT_CONFIRMED: 409,
  INVOICE_NOT_READY: 409,
  // 405, 413, 415, 422, 429
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  // 5xx: our side; details are never shown
  INTERNAL: 500,
  BAD_GATEWAY: 502,
  DEPENDENCY_UNAVAILABLE: 503,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ErrorCatalogue;

/** The codes that go with `status`, e.g. `CodeWithStatus<409>`. */
export type CodeWithStatus<S extends number> = { [C in ErrorCode]: (typeof ErrorCatalogue)[C] extends S ? C : never }[ErrorCode];

/** `ErrorCodes.OUT_OF_STOCK === 'OUT_OF_STOCK'`, for code that prefers a constant to a string. */
export const ErrorCodes = Object.fromEntries(Object.keys(ErrorCatalogue).map((c) => [c, c])) as { readonly [C in ErrorCode]: C };

export function statusOf(code: ErrorCode): number {
  return ErrorCatalogue[code];
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ErrorCatalogue, value);
}
