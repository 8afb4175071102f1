/**
 * Moves dead letters back onto their work queue, or lists them.
 *   npm run dlq:replay -- <queue> [--limit N] [--dry-run]
 *   npm run dlq:replay -- <queue> --list [--limit N]
 * AMQP_URL defaults to the local broker.
 */
import { parseArgs } from 'node:util';
import { listDeadLetters, replayDeadLetters, type DeadLetter } from '@shop/messaging';

const usage = 'usage: npm run dlq:replay -- <queue> [--limit N] [--dry-run] [--list]';

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
  const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
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
