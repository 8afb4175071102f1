export { AppError, isAppError } from './app-error.js';
export { ErrorCodes, type ErrorCode } from './error-codes.js';
export { isDependencyUnavailable, isTransactionConflict, isTransient } from './transient.js';
