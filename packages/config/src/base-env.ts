import { z } from 'zod';

// A Redis Cluster's seed nodes: `host:port` or `redis://host:port` (mixed is fine), comma
// separated. Empty counts as unset, so compose can pass `${REDIS_NODES:-}` for "one node".
const redisNode = String.raw`(redis://)?[\w.-]+:\d+/?`;
const redisNodes = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z
    .string()
    .regex(new RegExp(`^\\s*${redisNode}\\s*(,\\s*${redisNode}\\s*)*$`), 'expected host:port or redis://host:port, comma-separated')
    .optional(),
);

/** Variables every service reads. Services extend this with their own. */
export const baseEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  SERVICE_NAME: z.string().min(1),
  INSTANCE_ID: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url().startsWith('postgres'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  REDIS_NODES: redisNodes,
  AMQP_URL: z.url().default('amqp://guest:guest@127.0.0.1:5672'),
  KEYCLOAK_URL: z.url().default('http://127.0.0.1:8080'),
  /** The base URL Keycloak's tokens name as issuer (its hostname setting), when services reach it another way. */
  KEYCLOAK_ISSUER_URL: z.url().optional(),
  KEYCLOAK_REALM: z.string().default('shop'),
  JWT_AUDIENCE: z.string().default('shop-api'),
});

export const serviceEnv = baseEnv;
export type ServiceEnv = z.infer<typeof baseEnv>;

/** All that a migration run needs: the database, and how loudly to say what it did. */
export const migrationEnv = z.object({ DATABASE_URL: baseEnv.shape.DATABASE_URL, LOG_LEVEL: baseEnv.shape.LOG_LEVEL });

/**
 * A service that serves gRPC (cart, inventory) listens on its own port beside the HTTP one:
 * 4100 + the HTTP port's last two digits per replica (docs/conventions.md, Ports).
 */
export const grpcServerEnv = (defaultPort: number) => ({
  /** Loopback natively; 0.0.0.0 in a container, where the peers are on the private network. */
  GRPC_HOST: z.string().min(1).default('127.0.0.1'),
  GRPC_PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
});

/** The public edge's port: an internal client never names it (test/architecture/internal-calls.test.ts). */
export const EDGE_PORT = 8000;

/**
 * Where a gRPC client calls a peer: a gRPC target (`dns:///cart:4121`,
 * `ipv4:127.0.0.1:4121,127.0.0.1:4122`) or a host:port list. Never the public edge.
 */
export const grpcTarget = z
  .string()
  .trim()
  .min(1)
  .refine((t) => ![...t.matchAll(/:(\d{1,5})(?=,|\/|$)/g)].some((m) => Number(m[1]) === EDGE_PORT), {
    message: `names the public edge (:${EDGE_PORT}); internal calls go to the peer's gRPC port`,
  });
