import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { Forwarded, RestCall, RestUpstream } from './rest.js';

export interface Upstreams {
  user: RestUpstream;
  product: RestUpstream;
  cart: RestUpstream;
  order: RestUpstream;
}

export type Service = keyof Upstreams;

/** One GraphQL request: the caller's headers, forwarded on every call, and its loaders. */
export interface GatewayContext {
  /** The verified caller, when a token was sent (the services check it again on every call). */
  caller?: { id: string; roles: string[] };
  call<T>(service: Service, call: RestCall): Promise<T>;
  /** Products by id, deduplicated and fetched together once per request (null: none). */
  products: DataLoader<string, unknown | null>;
  /** Profiles by id (admin), the same way. */
  users: DataLoader<string, unknown | null>;
}

const notFound = (err: unknown) => err instanceof GraphQLError && err.extensions.status === 404;

/**
 * The REST APIs have no batch read, so a batch is one request per distinct id, sent at
 * once: an order page of fifty lines of five products costs five product reads, not fifty.
 */
function byIdLoader(fetchOne: (id: string) => Promise<unknown>): DataLoader<string, unknown | null> {
  return new DataLoader(
    (ids) =>
      Promise.all(
        ids.map((id) =>
          fetchOne(id).catch((err: unknown) => {
            if (notFound(err)) return null;
            return err instanceof Error ? err : new Error(String(err));
          }),
        ),
      ),
    { maxBatchSize: 100 },
  );
}

export function gatewayContext(upstreams: Upstreams, fwd: Forwarded, caller?: GatewayContext['caller']): GatewayContext {
  const call = <T>(service: Service, c: RestCall) => upstreams[service].call<T>(c, fwd);
  return {
    caller,
    call,
    products: byIdLoader((id) => call('product', { method: 'GET', path: `/api/products/${encodeURIComponent(id)}` })),
    users: byIdLoader((id) => call('user', { method: 'GET', path: `/api/users/${encodeURIComponent(id)}` })),
  };
}
