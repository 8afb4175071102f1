import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { NUL_FREE_PATTERN } from './input.js';
import type { ResponseSpec, Route, RouteSpec } from './route.js';

/** The body of every error answer (the error handler's shape). */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe('stable and machine-readable: VALIDATION_FAILED, NOT_FOUND, OUT_OF_STOCK, ...'),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

const retryAfter = z.object({ 'Retry-After': z.string().describe('seconds to wait before retrying') });
const error = (description: string, headers?: ResponseSpec['headers']): ResponseSpec => ({ description, schema: ErrorBody, headers });

/** An error answer a route documents: `{error: {code, message, requestId}}`. */
export const errorResponse = (description: string, headers?: ResponseSpec['headers']): ResponseSpec => error(description, headers);

/** The answers every route can give besides its own, from what it validates and who may call it. */
function implied(spec: RouteSpec): Record<number, ResponseSpec> {
  const out: Record<number, ResponseSpec> = {};
  const { params, query, headers, body } = spec.request ?? {};
  if (query || headers || body || (params && !spec.badParams) || spec.method !== 'get') {
    out[400] = error('VALIDATION_FAILED or INVALID_JSON: the request does not match this document (NUL bytes included)');
  }
  if (body) out[415] = error('UNSUPPORTED_MEDIA_TYPE: a body that is not application/json');
  if (spec.auth !== 'public') out[401] = error('UNAUTHENTICATED: no valid access token (or, where a token is optional, an invalid one)');
  if (spec.auth === 'admin') out[403] = error('FORBIDDEN: the token lacks the admin role');
  out[503] = error('DEPENDENCY_UNAVAILABLE: a database, Redis, the broker or Keycloak is unavailable; retry', retryAfter);
  return out;
}

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function responseObject(r: ResponseSpec) {
  const { headers } = r;
  if (r.mediaType) {
    return { description: r.description, headers, content: { [r.mediaType]: { schema: z.string().meta({ format: 'binary' }) } } };
  }
  return { description: r.description, headers, content: r.schema ? { 'application/json': { schema: r.schema } } : undefined };
}

function register(registry: OpenAPIRegistry, spec: RouteSpec): void {
  const responses = { ...implied(spec), ...spec.responses };
  const { params, query, headers, body, bodyRequired } = spec.request ?? {};
  const config: RouteConfig = {
    method: spec.method,
    path: toOpenApiPath(spec.path),
    summary: spec.summary,
    description: spec.description,
    tags: [spec.tag ?? spec.path.split('/')[2] ?? 'api'],
    security: spec.auth === 'public' ? [] : spec.auth === 'optional' ? [{ bearer: [] }, {}] : [{ bearer: [] }],
    request: {
      params,
      query: query as z.ZodObject | undefined,
      headers,
      body: body ? { required: bodyRequired ?? true, content: { 'application/json': { schema: body } } } : undefined,
    },
    responses: Object.fromEntries(Object.entries(responses).map(([status, r]) => [status, responseObject(r)])),
  };
  if (spec.auth === 'admin') config['x-admin'] = true;
  registry.registerPath(config);
}

type Json = Record<string, unknown>;

/**
 * Request strings without a pattern or format get the NUL-free pattern: the validator
 * refuses NUL bytes everywhere, and the document must say what the service accepts.
 */
function markNulFree(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(markNulFree);
  if (node === null || typeof node !== 'object') return;
  const s = node as Json;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('string') && s.pattern === undefined && s.format === undefined && s.enum === undefined && s.const === undefined) {
    s.pattern = NUL_FREE_PATTERN;
  }
  for (const value of Object.values(s)) markNulFree(value);
}

function requestSchemas(doc: Json): unknown[] {
  const found: unknown[] = [];
  const paths = doc.paths as Record<string, Record<string, Json>>;
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) {
      for (const p of (op.parameters as Json[] | undefined) ?? []) found.push(p.schema);
      const content = (op.requestBody as { content?: Record<string, Json> } | undefined)?.content;
      for (const media of Object.values(content ?? {})) found.push(media.schema);
    }
  }
  return found;
}

/** Schema components that request bodies or parameters point at (directly or through other components). */
function requestComponents(doc: Json): Set<string> {
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, unknown>;
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const ref = (node as Json).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (!seen.has(name)) {
        seen.add(name);
        visit(schemas[name]);
      }
    }
    Object.values(node).forEach(visit);
  };
  requestSchemas(doc).forEach(visit);
  return seen;
}

export interface DocumentInfo {
  title: string;
  version?: string;
  description: string;
}

/** The OpenAPI 3.1 document of a list of routes (one service's, or every service's for the merged one). */
export function openApiDocument(info: DocumentInfo, routes: Array<Pick<Route<never>, 'spec'>>): Json {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Keycloak access token (realm shop, audience shop-api), from POST /api/auth/login',
  });
  for (const route of routes) register(registry, route.spec);
  const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: info.title, version: info.version ?? '1.0.0', description: info.description },
    servers: [{ url: '/' }],
  }) as unknown as Json;
  const shared = requestComponents(doc);
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, unknown>;
  for (const name of shared) markNulFree(schemas[name]);
  requestSchemas(doc).forEach(markNulFree);
  return doc;
}
