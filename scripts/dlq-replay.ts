/**
 * Moves dead letters back onto their work queue, or lists them.
 *   npm run dlq:replay -- <queue> [--limit N] [--dry-run]
 *   npm run dlq:replay -- <queue> --list [--limit N]
 * AMQP_URL defaults to the local stack's URL of the service that owns the queue (its name's
 * first part): a dead letter carries that service's broker user as `user_id`, which only that
 * user may publish again (packages/messaging/src/dlq.ts).
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { listDeadLetters, replayDeadLetters, type DeadLetter } from '@shop/messaging';

const usage = 'usage: npm run dlq:replay -- <queue> [--limit N] [--dry-run] [--list]';

function ownerUrl(queue: string): string {
  const ecosystem = createRequire(import.meta.url)('../ecosystem.config.cjs') as {
    SERVICES: Record<string, number>;
    serviceEnv(name: string, id: string, port: number): { AMQP_URL: string };
  };
  const service = queue.split('.')[0];
  if (!Object.hasOwn(ecosystem.SERVICES, service)) throw new Error(`${queue}: no service "${service}" owns it; set AMQP_URL`);
  return ecosystem.serviceEnv(service, service, 0).AMQP_URL;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { limit: { type: 'string' }, 'dry-run': { type: 'boolean' }, list: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  const queue = positionals[0];
  if (values.help || !queue || positionals.length > 1) {
    console.error(usage);
    process.exit(values.help ? 0 : 2);
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    console.error(`--limit must be a positive integer\n${usage}`);
    process.exit(2);
  }
  const url = process.env.AMQP_URL ?? ownerUrl(queue);
  const line = (d: DeadLetter) => `${d.type ?? '?'}\t${d.messageId ?? '?'}\t${d.failedAt ?? ''}\t${d.reason ?? ''}`;

  if (values.list) {
    const letters = await listDeadLetters(url, queue, { limit });
    for (const d of letters) console.log(line(d));
    console.log(`${letters.length} dead letter(s) in ${queue}.dlq`);
    return;
  }
  const dryRun = values['dry-run'] ?? false;
  const moved = await replayDeadLetters(url, queue, { limit, dryRun });
  for (const d of moved) console.log(`${dryRun ? 'would move' : 'moved'}\t${line(d)}`);
  console.log(`${dryRun ? 'would move' : 'moved'} ${moved.length} message(s) from ${queue}.dlq to ${queue}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
