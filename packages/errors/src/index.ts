export { AppError, isAppError, type AppErrorOptions } from './app-error.js';
export { ErrorCatalogue, ErrorCodes, isErrorCode, statusOf, type CodeWithStatus, type ErrorCode } from './error-codes.js';
export { isDependencyUnavailable, isTransactionConflict, isTransient } from './transient.js';
