import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { AppError, isAppError, isErrorCode } from '@shop/errors';

/** The catalogue's code rides in this trailer; the gRPC status only says the family. */
export const ERROR_CODE_KEY = 'shop-error-code';

/** The gRPC status for each HTTP status of the catalogue (packages/errors/src/error-codes.ts). */
const BY_HTTP: Record<number, status> = {
  400: status.INVALID_ARGUMENT,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  404: status.NOT_FOUND,
  405: status.UNIMPLEMENTED,
  409: status.FAILED_PRECONDITION,
  413: status.RESOURCE_EXHAUSTED,
  415: status.INVALID_ARGUMENT,
  422: status.FAILED_PRECONDITION,
  429: status.RESOURCE_EXHAUSTED,
  500: status.INTERNAL,
  502: status.UNAVAILABLE,
  503: status.UNAVAILABLE,
  504: status.DEADLINE_EXCEEDED,
};

/**
 * What a handler's throw becomes on the wire: an AppError keeps its code (trailer) and its
 * message (never on a 5xx, as over HTTP); anything else is INTERNAL with no detail.
 */
export function toStatus(err: unknown): Partial<StatusObject> {
  const metadata = new Metadata();
  if (!isAppError(err)) {
    metadata.set(ERROR_CODE_KEY, 'INTERNAL');
    return { code: status.INTERNAL, details: 'Internal error', metadata };
  }
  metadata.set(ERROR_CODE_KEY, err.code);
  const code = BY_HTTP[err.status] ?? status.UNKNOWN;
  return { code, details: err.status >= 500 ? 'Unavailable' : err.message, metadata };
}

/**
 * What a failed call becomes for the caller. A refusal the server made on purpose (a code in
 * the trailer, below 500) is the same AppError as over REST, so a 401 stays a 401. Anything
 * else (the peer down, the deadline passed, its own dependency down, a bug) is a fast 503
 * DEPENDENCY_UNAVAILABLE naming `what`, never a hang or the peer's internals.
 */
export function fromStatus(err: ServiceError | Error, what: string): AppError {
  const meta = (err as ServiceError).metadata?.get(ERROR_CODE_KEY)[0];
  const code = typeof meta === 'string' && isErrorCode(meta) ? meta : undefined;
  if (code) {
    const refused = new AppError(code, (err as ServiceError).details || code);
    if (refused.status < 500) return refused;
  }
  return AppError.unavailable(what);
}

/** The gRPC status of a failed call, or undefined for a throw that is not a gRPC error. */
export function grpcStatusOf(err: unknown): status | undefined {
  const code = (err as Partial<ServiceError>)?.code;
  return typeof code === 'number' ? code : undefined;
}
