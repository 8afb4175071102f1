import { baseEnv, loadConfig, z } from '@shop/config';

/** Comma-separated base URLs, e.g. `http://127.0.0.1:4001,http://127.0.0.1:4002`. */
const urls = z
  .string()
  .transform((s) => s.split(',').map((u) => u.trim()).filter(Boolean))
  .pipe(z.array(z.url()).min(1));
const replicas = (port: number) => [`http://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`];

export const productEnv = baseEnv.extend({
  SERVICE_NAME: z.string().min(1).default('product'),
  DATABASE_URL: z.url().startsWith('postgres').default('postgres://product_svc:product_pw@127.0.0.1:5432/product_db'),
  /** Cache lifetime for listings and details; writes invalidate before they return. */
  CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Products of one confirmed order that count for recommendations (the biggest lines): n make n(n-1) pair rows. */
  CO_PURCHASE_MAX_PRODUCTS: z.coerce.number().int().min(2).max(50).default(20),
  // The GraphQL gateway (/api/graphql) calls each service's replicas directly, never the edge.
  GRAPHQL_USER_URLS: urls.default(replicas(4001)),
  GRAPHQL_PRODUCT_URLS: urls.default(replicas(4011)),
  GRAPHQL_CART_URLS: urls.default(replicas(4021)),
  GRAPHQL_ORDER_URLS: urls.default(replicas(4031)),
  GRAPHQL_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(5_000),
  /** Deepest selection a query may have (deeper: QUERY_TOO_DEEP). */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(8),
  /** graphql-armor's cost (objects 2, scalars 1, times 1.5 per level; over it: QUERY_TOO_COSTLY). */
  GRAPHQL_MAX_COST: z.coerce.number().int().min(10).max(1_000_000).default(5_000),
  /** Catalogue answers stay in the response cache this long unless a product event comes first. */
  GRAPHQL_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
});

export type ProductConfig = z.infer<typeof productEnv>;

export function loadProductConfig(env: NodeJS.ProcessEnv = process.env): ProductConfig {
  return loadConfig(productEnv, env);
}
