import { baseEnv, loadConfig, z } from '@shop/config';

const delays = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'comma-separated milliseconds, e.g. 1000,5000,30000')
  .transform((s) => s.split(',').map(Number));

export const emailEnv = baseEnv.extend({
  SERVICE_NAME: z.string().min(1).default('email'),
  SMTP_URL: z.url().startsWith('smtp').default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().min(3).default('Drop Shop <no-reply@shop.local>'),
  /** The right-hand side of every Message-ID we make (`<event-id.kind@domain>`). */
  MAIL_ID_DOMAIN: z.string().regex(/^[\w.-]+$/).default('mail.shop.local'),
  /** Backoff between send attempts; after the last one the event is dead-lettered. */
  MAIL_RETRY_DELAYS_MS: delays.default([1_000, 5_000, 30_000, 120_000, 600_000]),
  /** Messages handled at once per queue; each holds two database connections while sending. */
  MAIL_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(4),
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

export type EmailConfig = z.infer<typeof emailEnv>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): EmailConfig {
  return loadConfig(emailEnv, env);
}
