import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { Cache, type RedisClient } from '@shop/cache';
import { AppError, statusOf } from '@shop/errors';
import type { Request, RequestHandler } from '@shop/http';
import type { Logger } from '@shop/logger';
import { GraphQLError } from 'graphql';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { gatewayContext, type GatewayContext, type Upstreams } from './context.js';
import { resolvers } from './resolvers.js';
import { RestUpstream } from './rest.js';
import { catalogResponseCache } from './response-cache.js';
import { typeDefs } from './schema.js';

export interface GatewaySettings {
  urls: Record<keyof Upstreams, string[]>;
  timeoutMs: number;
  maxDepth: number;
  maxCost: number;
  cacheTtlSeconds: number;
  /** In production, only a signed-in caller may introspect the schema. */
  production: boolean;
}

export const GRAPHQL_PATH = '/api/graphql';

/** A refusal of the document itself: the limit's own code, where armor gives none. */
function limitCode(message: string): 'QUERY_TOO_DEEP' | 'QUERY_TOO_COSTLY' | undefined {
  if (/depth limit/i.test(message)) return 'QUERY_TOO_DEEP';
  if (/cost limit|query cost/i.test(message)) return 'QUERY_TOO_COSTLY';
  return undefined;
}

/** The document's refusals (syntax, validation, limits) with the platform's codes: a 400 in REST terms. */
function documentError(error: Error): GraphQLError {
  const code = limitCode(error.message) ?? (/introspection/i.test(error.message) ? 'FORBIDDEN' : 'VALIDATION_FAILED');
  const g = error instanceof GraphQLError ? error : undefined;
  return new GraphQLError(error.message, { nodes: g?.nodes, extensions: { ...g?.extensions, code, status: statusOf(code) } });
}

const platformCodes: Plugin = {
  onValidate: () => ({ result, setResult }) => {
    if (result.length) setResult(result.map(documentError));
  },
};

/** Every error leaves with a platform code in extensions.code; a 5xx shows no internals. */
function maskError(error: unknown, logger: Logger): Error {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof AppError) {
    return new GraphQLError(original.status < 500 || original.status === 503 || original.status === 504 ? original.message : 'Internal error', {
      extensions: { code: original.code, status: original.status },
    });
  }
  if (original instanceof GraphQLError && typeof original.extensions.code === 'string') return original;
  // graphql-armor throws its refusal out of validation instead of reporting it.
  if (error instanceof GraphQLError && !error.originalError && limitCode(error.message)) return documentError(error);
  logger.error({ err: original }, 'graphql resolver failed');
  return new GraphQLError('Internal error', { extensions: { code: 'INTERNAL', status: statusOf('INTERNAL') } });
}

/**
 * POST (and GET) /api/graphql: graphql-yoga over the services' REST APIs. `auth.optional`
 * runs first, so a bad token is the same 401 as on REST; the token itself is forwarded on
 * every call and the services decide, as they do for REST.
 */
export function graphqlGateway(deps: { settings: GatewaySettings; redis: RedisClient; logger: Logger }): RequestHandler {
  const { settings, logger } = deps;
  const upstreams = Object.fromEntries(
    Object.entries(settings.urls).map(([name, urls]) => [name, new RestUpstream(name, urls, settings.timeoutMs)]),
  ) as unknown as Upstreams;
  const yoga = createYoga<{ req: Request }, GatewayContext>({
    graphqlEndpoint: GRAPHQL_PATH,
    schema: createSchema<{ req: Request } & GatewayContext>({ typeDefs, resolvers }),
    landingPage: false,
    graphiql: !settings.production,
    logging: false,
    maskedErrors: { maskError: (error) => maskError(error, logger) },
    context: ({ req }) =>
      gatewayContext(
        upstreams,
        { authorization: req.get('authorization'), requestId: req.id as string | undefined, realIp: req.get('x-real-ip') },
        req.user ? { id: req.user.id, roles: req.user.roles } : undefined,
      ),
    plugins: [
      platformCodes,
      maxDepthPlugin({ n: settings.maxDepth, ignoreIntrospection: true }),
      costLimitPlugin({ maxCost: settings.maxCost, ignoreIntrospection: true }),
      useDisableIntrospection({ isDisabled: (_request, ctx) => settings.production && !(ctx as { req?: Request }).req?.user }),
      catalogResponseCache(new Cache(deps.redis, logger, 'product'), settings.cacheTtlSeconds),
    ],
  });
  return (req, res) => void yoga(req, res, { req });
}
