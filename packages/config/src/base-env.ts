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
  KEYCLOAK_REALM: z.string().default('shop'),
  JWT_AUDIENCE: z.string().default('shop-api'),
});

export const serviceEnv = baseEnv;
export type ServiceEnv = z.infer<typeof baseEnv>;

/** All that a migration run needs: the database, and how loudly to say what it did. */
export const migrationEnv = z.object({ DATABASE_URL: baseEnv.shape.DATABASE_URL, LOG_LEVEL: baseEnv.shape.LOG_LEVEL });
