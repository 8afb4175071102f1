import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { AppError } from '@shop/errors';
import { rejectNulBytes } from './input.js';
import { parseOrThrow, requireJsonBody } from './validate.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call: `public` (no token read), `optional` (a token is used when sent, a bad one
 * is 401), `user` (a valid token), `signedIn` (a valid signature, no deny-list look-up: the
 * drop's hot polls), `admin` (a valid token with the admin role).
 */
export type AuthRule = 'public' | 'optional' | 'user' | 'signedIn' | 'admin';

export interface ResponseSpec {
  description: string;
  /** JSON body; none for 204 and the like. */
  schema?: z.ZodType;
  /** Another media type than JSON (a PDF, say), documented as a binary string. */
  mediaType?: string;
  /** Response headers, each described with `.describe()`. */
  headers?: z.ZodObject;
}

export interface RouteSpec {
  method: Method;
  /** Express-style path from the root, e.g. `/api/products/:id`. */
  path: string;
  summary: string;
  description?: string;
  /** Defaults to the first segment after /api. */
  tag?: string;
  auth: AuthRule;
  request?: {
    params?: z.ZodObject;
    query?: z.ZodType;
    headers?: z.ZodObject;
    body?: z.ZodType;
    /** Defaults to true when a body schema is given. */
    bodyRequired?: boolean;
  };
  /** The route's own answers; 400/401/403/503 are added from `request` and `auth`. */
  responses: Record<number, ResponseSpec>;
  /** A params failure answered as this error instead of a 400 (a malformed id names nothing: 404). */
  badParams?: () => AppError;
  /**
   * Also served by the lean lane (lean-lane.ts), before express: for the few routes a crowd
   * calls thousands of times a second. Params only (no query, headers, body or `before`).
   */
  lean?: boolean;
  /** A held poll: it answers when something changes, so its time is no latency (no slow-request log line). */
  held?: boolean;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type Req<S extends RouteSpec> = NonNullable<S['request']>;

export interface RouteContext<S extends RouteSpec> {
  req: Request;
  res: Response;
  params: Out<Req<S>['params']>;
  query: Out<Req<S>['query']>;
  headers: Out<Req<S>['headers']>;
  body: Out<Req<S>['body']>;
}

/**
 * What a handler returns is sent as JSON with the route's first 2xx status (undefined:
 * an empty body); a handler that wrote the response itself returns nothing.
 */
export type RouteHandler<S extends RouteSpec, D> = (ctx: RouteContext<S>, deps: D) => unknown;

export interface Route<D = unknown> {
  spec: RouteSpec;
  handler: RouteHandler<RouteSpec, D>;
  /** Middleware after auth, before validation (rate limits keyed by the caller). */
  before?: (deps: D) => RequestHandler[];
}

/** Declares a route once: the validation, the handler's types and the OpenAPI operation come from this. */
export function defineRoute<const S extends RouteSpec, D = unknown>(
  spec: S,
  handler: RouteHandler<S, D>,
  options: { before?: (deps: D) => RequestHandler[] } = {},
): Route<D> {
  return { spec, handler: handler as RouteHandler<RouteSpec, D>, before: options.before };
}

/** What `mountRoutes` needs from @shop/auth (structural, so this package does not depend on it). */
export interface AuthGuards {
  required: RequestHandler;
  optional: RequestHandler;
  signedIn?: RequestHandler;
  requireRole(role: string): RequestHandler;
}

export function guards(rule: AuthRule, auth: AuthGuards | undefined): RequestHandler[] {
  if (rule === 'public') return [];
  if (!auth) throw new Error(`a route with auth "${rule}" needs the auth guards`);
  if (rule === 'optional') return [auth.optional];
  if (rule === 'user') return [auth.required];
  if (rule === 'signedIn') return [auth.signedIn ?? auth.required];
  return [auth.required, auth.requireRole('admin')];
}

export function successStatus(spec: RouteSpec): number {
  return Object.keys(spec.responses).map(Number).filter((s) => s >= 200 && s < 300).sort()[0] ?? 200;
}

function validator(spec: RouteSpec): RequestHandler {
  const { params, query, headers, body } = spec.request ?? {};
  return (req, res, next) => {
    if (body) requireJsonBody(req);
    rejectNulBytes('query', req.query);
    rejectNulBytes('body', req.body);
    let parsedParams: unknown = req.params;
    if (params) {
      const result = params.safeParse(req.params);
      if (!result.success && spec.badParams) throw spec.badParams();
      rejectNulBytes('params', req.params);
      parsedParams = parseOrThrow(params, req.params);
    }
    res.locals.params = parsedParams;
    res.locals.query = query ? parseOrThrow(query, req.query) : req.query;
    res.locals.headers = headers ? parseOrThrow(headers, req.headers) : undefined;
    res.locals.body = body ? parseOrThrow(body, req.body ?? {}) : req.body;
    next();
  };
}

/** Registers each route on the app (or a router mounted at the root), in the order given. */
export function mountRoutes<D>(app: Router, routes: Array<Route<D>>, options: { deps: D; auth?: AuthGuards }): void {
  for (const route of routes) {
    const { spec } = route;
    const status = successStatus(spec);
    const run = async (req: Request, res: Response, next: NextFunction) => {
      const ctx = { req, res, params: res.locals.params, query: res.locals.query, headers: res.locals.headers, body: res.locals.body };
      try {
        const result = await route.handler(ctx as never, options.deps);
        if (res.headersSent) return;
        if (result === undefined) res.status(status).end();
        else res.status(status).json(result);
      } catch (err) {
        next(err);
      }
    };
    app[spec.method](spec.path, ...guards(spec.auth, options.auth), ...(route.before?.(options.deps) ?? []), validator(spec), run);
  }
  // A declared path asked with a method it does not have: 405 with Allow (RFC 9110), not a 404.
  const methods = new Map<string, Set<string>>();
  for (const { spec } of routes) methods.set(spec.path, (methods.get(spec.path) ?? new Set()).add(spec.method.toUpperCase()));
  for (const [path, allowed] of methods) {
    if (allowed.has('GET')) allowed.add('HEAD');
    const allow = [...allowed, 'OPTIONS'].join(', ');
    app.all(path, (req, res, next) => {
      if (req.method === 'OPTIONS') {
        res.setHeader('Allow', allow);
        res.status(204).end();
        return;
      }
      if (allowed.has(req.method)) return next();
      res.setHeader('Allow', allow);
      next(new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use ${allow}`));
    });
  }
}
