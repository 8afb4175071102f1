import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { Logger } from '@shop/logger';
import { errorReply, replyCode } from './error-handler.js';
import { rejectNulBytes } from './input.js';
import { countError, observeRequest, routeLabel } from './metrics.js';
import { guards, successStatus, type AuthGuards, type Route } from './route.js';
import { parseOrThrow } from './validate.js';
import { logNotable } from './request-log.js';

/**
 * Answers the request and returns true, or returns false to leave it to express. A lane that
 * took the request (true) and then finds it cannot answer it calls `pass`, which hands it to
 * express as it is (a lane that read the body sets `req.body` first: the body parser skips a
 * request whose body was read).
 */
export type LeanLane = (req: IncomingMessage, res: ServerResponse, pass: () => void) => boolean;

/** The first lane that takes the request answers it. */
export function composeLanes(...lanes: LeanLane[]): LeanLane {
  return (req, res, pass) => lanes.some((lane) => lane(req, res, pass));
}

const SAFE_ID = /^[\w.:-]{1,128}$/;

/** The headers helmet sets on every answer, taken from helmet itself once, so both lanes send the same. */
function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const fake = { setHeader: (k: string, v: unknown) => void (headers[k.toLowerCase()] = String(v)), removeHeader: () => undefined };
  helmet({ contentSecurityPolicy: false })({} as never, fake as never, () => undefined);
  return headers;
}

/**
 * How a lean answer is made, for the routes below and for a service's own lane (the order
 * service's sold-out answer): the security headers helmet would set, x-request-id, the error
 * shape of `errorReply` and the same request and error metrics as the express lane.
 */
export interface LeanReplier {
  /** The caller's X-Request-Id when it is a safe token, else a new one; also set as req.id. */
  requestId(req: IncomingMessage): string;
  send(res: ServerResponse, code: number, payload: unknown, requestId: string, extra?: Record<string, string>): void;
  /** Answers `err` as the express error handler would, and counts it. */
  fail(req: IncomingMessage, res: ServerResponse, err: unknown, requestId: string, label: string): void;
  /**
   * Records the request's duration (performance.now() at its start), and logs it when it failed or
   * was slower than `slowMs` (request-log.ts; default SLOW_REQUEST_MS, Infinity for a held poll).
   */
  observe(req: IncomingMessage, res: ServerResponse, label: string, started: number, slowMs?: number): void;
}

export function leanReplier(logger: Logger): LeanReplier {
  const headers = securityHeaders();
  const send: LeanReplier['send'] = (res, code, payload, requestId, extra) => {
    const text = payload === undefined ? '' : JSON.stringify(payload);
    res.writeHead(code, {
      ...headers,
      ...extra,
      'x-request-id': requestId,
      ...(payload === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  return {
    requestId(req) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
      (req as Request).id = id;
      return id;
    },
    send,
    fail(req, res, err, requestId, label) {
      const reply = errorReply(err, requestId, req.url ?? '', logger);
      countError(req.method ?? '', label, reply.status, replyCode(reply.body));
      if (!res.headersSent) send(res, reply.status, reply.body, requestId, reply.headers);
      else res.destroy();
    },
    observe(req, res, label, started, slowMs) {
      const ms = performance.now() - started;
      observeRequest(req.method ?? '', label, res.statusCode, ms / 1000);
      logNotable(logger, req as Request, res.statusCode, ms, slowMs);
    },
  };
}

interface Lane {
  method: string;
  pattern: RegExp;
  names: string[];
  label: string;
  serve(req: IncomingMessage, res: ServerResponse, raw: Record<string, string>): Promise<void>;
}

function compile<D>(route: Route<D>, options: LeanOptions<D>, replier: LeanReplier): Lane {
  const { spec } = route;
  const { params, query, headers: headerSchema, body } = spec.request ?? {};
  if (query || headerSchema || body || route.before) {
    throw new Error(`lean route ${spec.method} ${spec.path}: only params may be declared (no query, headers, body or before)`);
  }
  const names: string[] = [];
  const source = spec.path
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(part.slice(1));
      return '([^/]+)';
    })
    .join('/');
  const status = successStatus(spec);
  const chain = guards(spec.auth, options.auth);
  const run = (handler: RequestHandler, req: IncomingMessage, res: ServerResponse) =>
    new Promise<void>((resolve, reject) => {
      handler(req as Request, res as Response, (err?: unknown) => (err ? reject(err) : resolve()));
    });
  return {
    method: spec.method.toUpperCase(),
    pattern: new RegExp(`^${source}/?$`, 'i'),
    names,
    label: routeLabel(true, spec.path.replace(/:[^/]+/g, ':id')),
    async serve(req, res, raw) {
      const started = performance.now();
      const requestId = replier.requestId(req);
      try {
        for (const guard of chain) await run(guard, req, res);
        let parsed: unknown = raw;
        if (params) {
          const result = params.safeParse(raw);
          if (!result.success && spec.badParams) throw spec.badParams();
          rejectNulBytes('params', raw);
          parsed = result.success ? result.data : parseOrThrow(params, raw);
        }
        const ctx = { req, res, params: parsed, query: {}, headers: undefined, body: undefined };
        const result = await route.handler(ctx as never, options.deps);
        if (!res.headersSent) replier.send(res, status, result, requestId);
      } catch (err) {
        replier.fail(req, res, err, requestId, this.label);
      } finally {
        replier.observe(req, res, this.label, started, spec.held ? Infinity : undefined);
      }
    },
  };
}

export interface LeanOptions<D> {
  deps: D;
  auth?: AuthGuards;
  logger: Logger;
}

/**
 * The lean lane for the few routes a crowd calls thousands of times a second (the drop's join
 * and poll): routes declared with `lean: true` are answered straight from node:http, before
 * express, its router, the body parser, helmet and the metrics middleware; the request log follows
 * the same rule as on express (request-log.ts: failed or slow requests only). Auth guards, params validation, the handler,
 * the error shape and the security headers are the same as on the express lane, which still
 * mounts these routes (HEAD, a decoding error or any other method goes there). Measured in
 * load-tests/results/buy-path-profile.md.
 */
export function leanLane<D>(routes: Array<Route<D>>, options: LeanOptions<D>): LeanLane {
  const replier = leanReplier(options.logger);
  const lanes = routes.filter((r) => r.spec.lean).map((r) => compile(r, options, replier));
  if (lanes.length === 0) return () => false;
  return (req, res) => {
    const path = req.url ?? '';
    // A query string (which these routes do not declare) goes the express way, NUL checks and all.
    if (path.includes('?')) return false;
    for (const lane of lanes) {
      if (lane.method !== req.method) continue;
      const m = lane.pattern.exec(path);
      if (!m) continue;
      const raw: Record<string, string> = {};
      try {
        lane.names.forEach((name, i) => (raw[name] = decodeURIComponent(m[i + 1])));
      } catch {
        return false; // express answers a malformed escape its own way
      }
      void lane.serve(req, res, raw);
      return true;
    }
    return false;
  };
}
