export { AppError, isAppError } from './app-error.js';
export { ErrorCodes, type ErrorCode } from './error-codes.js';
