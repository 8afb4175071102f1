import { baseEnv, loadConfig, z } from '@shop/config';

export const productEnv = baseEnv.extend({
  SERVICE_NAME: z.string().min(1).default('product'),
  DATABASE_URL: z.url().startsWith('postgres').default('postgres://product_svc:product_pw@127.0.0.1:5432/product_db'),
  /** Cache lifetime for listings and details; writes invalidate before they return. */
  CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
});

export type ProductConfig = z.infer<typeof productEnv>;

export function loadProductConfig(env: NodeJS.ProcessEnv = process.env): ProductConfig {
  return loadConfig(productEnv, env);
}
