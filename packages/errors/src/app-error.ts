import { ErrorCatalogue, type CodeWithStatus, type ErrorCode } from './error-codes.js';

export interface AppErrorOptions {
  /** Shown to the client under `error.details` (never on a 5xx). */
  details?: unknown;
  /** Response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
}

/**
 * The one error type the platform throws on purpose. `code` is stable and machine-readable
 * and comes from the catalogue (error-codes.ts), which also gives `status`, the HTTP status
 * the edge of a service answers with.
 */
export class AppError extends Error {
  readonly status: number;
  readonly details?: unknown;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ErrorCatalogue[code];
    this.details = options.details;
    this.headers = options.headers;
  }

  static badRequest(message: string, details?: unknown, code: CodeWithStatus<400> = 'VALIDATION_FAILED'): AppError {
    return new AppError(code, message, { details });
  }

  static notFound(what = 'Resource'): AppError {
    return new AppError('NOT_FOUND', `${what} not found`);
  }

  static unauthenticated(message = 'Authentication required'): AppError {
    return new AppError('UNAUTHENTICATED', message);
  }

  static forbidden(message = 'Not allowed'): AppError {
    return new AppError('FORBIDDEN', message);
  }

  static conflict(code: CodeWithStatus<409>, message: string): AppError {
    return new AppError(code, message);
  }

  static unavailable(what: string): AppError {
    return new AppError('DEPENDENCY_UNAVAILABLE', `${what} is unavailable, try again shortly`, { headers: { 'Retry-After': '1' } });
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
