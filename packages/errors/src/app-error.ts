/**
 * The one error type the platform throws on purpose. `code` is stable and
 * machine-readable; `status` is the HTTP status the edge of a service answers with.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static badRequest(message: string, details?: unknown, code = 'VALIDATION_FAILED'): AppError {
    return new AppError(code, message, 400, details);
  }

  static notFound(what = 'Resource'): AppError {
    return new AppError('NOT_FOUND', `${what} not found`, 404);
  }

  static unauthenticated(message = 'Authentication required'): AppError {
    return new AppError('UNAUTHENTICATED', message, 401);
  }

  static forbidden(message = 'Not allowed'): AppError {
    return new AppError('FORBIDDEN', message, 403);
  }

  static conflict(code: string, message: string): AppError {
    return new AppError(code, message, 409);
  }

  static unavailable(what: string): AppError {
    return new AppError('DEPENDENCY_UNAVAILABLE', `${what} is unavailable, try again shortly`, 503, undefined, {
      'Retry-After': '1',
    });
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
