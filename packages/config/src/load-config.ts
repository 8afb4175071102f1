import { z } from 'zod';

/** Lists every bad variable on one line each, so one boot tells the whole story. */
function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/**
 * Parses the environment once at boot. On any bad variable it prints all of them and
 * exits: a service with a wrong config must not half-start.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  process.stderr.write(`Invalid configuration:\n${formatIssues(result.error).join('\n')}\n`);
  process.exit(1);
}
