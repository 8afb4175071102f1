export { createHttpApp, type HttpAppOptions, type ReadinessChecks } from './create-app.js';
export { errorHandler, notFoundHandler } from './error-handler.js';
export { validate, parseOrThrow } from './validate.js';
export { startServer, type RunningServer } from './server.js';
export { metricsRegistry } from './metrics.js';
export { Router, type Request, type Response, type NextFunction, type RequestHandler, type Express } from 'express';
export { asUnavailable } from './unavailable.js';
