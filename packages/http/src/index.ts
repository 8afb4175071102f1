// The Request.id augmentation (request-id.ts) must reach every importer, the built .d.ts included.
import './request-id.js';
export { createHttpApp, type HttpAppOptions, type ReadinessChecks } from './create-app.js';
export { errorHandler, errorReply, notFoundHandler } from './error-handler.js';
export { composeLanes, leanLane, leanReplier, type LeanLane, type LeanOptions, type LeanReplier } from './lean-lane.js';
export { validate, parseOrThrow } from './validate.js';
export { DRAIN_MS, LISTEN_BACKLOG, startServer, type RunningServer } from './server.js';
export { EDGE_READ_TIMEOUT_MS, HELD_ANSWER_MARGIN_MS, HELD_WAIT_MAX_MS, REQUEST_START_HEADER, edgeSentAt } from './held.js';
export { metricsRegistry, routeLabel, scrapeGauge, scrapeReading, type GaugeSample } from './metrics.js';
export { Router, type Request, type Response, type NextFunction, type RequestHandler, type Express } from 'express';
export { asUnavailable } from './unavailable.js';
export { defineRoute, mountRoutes, successStatus, type AuthGuards, type AuthRule, type Route, type RouteContext, type RouteSpec, type ResponseSpec } from './route.js';
export { openApiDocument, errorResponse, ErrorBody, type DocumentInfo } from './openapi.js';
export { AddressInput, emailAddress, NUL_FREE_PATTERN, queryInt, rejectNulBytes, text } from './input.js';
export { DependencyRefusedError, FailFast, type FailFastOptions } from './fail-fast.js';
