/**
 * Moves dead letters back onto their work queue, or lists them.
 *   npm run dlq:replay -- <queue>... [--id EVENT_ID]... [--limit N] [--dry-run]
 *   npm run dlq:replay -- <queue>... --list [--id EVENT_ID]... [--limit N]
 * AMQP_URL defaults to the local stack's URL of the service that owns each queue (its name's
 * first part): a dead letter carries that service's broker user as `user_id`, which only that
 * user may publish again (packages/messaging/src/dlq.ts).
 * One dead letter that cannot be replayed never stops the others; each queue ends with one
 * summary line, and the exit code (EXIT_CODES below, also in the README) says how it went.
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { listDeadLetters, replayDeadLetters, type DeadLetter, type ReplayResult } from '@shop/messaging';

const EXIT_CODES = `exit codes:
  0  done: every dead letter looked at was moved (or listed); none left behind
  1  a queue could not be replayed (no such queue, the broker unreachable), or the broker
     refused some copies ("failed" in the summary; they are still in the dead-letter queue)
  2  usage
  3  done, but some dead letters were left where they are because they cannot be replayed
     (a sender their event's contract does not allow: the consumer would refuse them again)`;
const usage = `usage: npm run dlq:replay -- <queue>... [--id EVENT_ID]... [--limit N] [--dry-run] [--list]
  Moves the dead letters of <queue>.dlq back to <queue> (at most what it held at the start,
  at most N with --limit, only those events with --id), or lists them with --list.
${EXIT_CODES}`;

function ownerUrl(queue: string): string {
  const ecosystem = createRequire(import.meta.url)('../ecosystem.config.cjs') as {
    SERVICES: Record<string, number>;
    serviceEnv(name: string, id: string, port: number): { AMQP_URL: string };
  };
  const service = queue.split('.')[0];
  if (!Object.hasOwn(ecosystem.SERVICES, service)) throw new Error(`${queue}: no service "${service}" owns it; set AMQP_URL`);
  return ecosystem.serviceEnv(service, service, 0).AMQP_URL;
}

const line = (d: DeadLetter) => `${d.type ?? '?'}\t${d.messageId ?? '?'}\t${d.failedAt ?? ''}\t${d.reason ?? ''}`;

/** One queue: its lines, its summary, and its exit code (0, 1 or 3). */
async function replay(queue: string, opts: { limit?: number; ids?: string[]; dryRun: boolean; list: boolean }): Promise<number> {
  const url = process.env.AMQP_URL ?? ownerUrl(queue);
  if (opts.list) {
    const letters = await listDeadLetters(url, queue, { limit: opts.limit, ids: opts.ids });
    for (const d of letters) console.log(line(d));
    console.log(`${queue}.dlq: ${letters.length} dead letter(s)${opts.ids ? ' selected' : ''}`);
    return 0;
  }
  const r: ReplayResult = await replayDeadLetters(url, queue, { limit: opts.limit, ids: opts.ids, dryRun: opts.dryRun });
  const verb = opts.dryRun ? 'would move' : 'moved';
  for (const d of r.moved) console.log(`${verb}\t${line(d)}`);
  for (const d of r.left) console.log(`left\t${line(d)}\t${d.why}`);
  for (const d of r.failed) console.log(`failed\t${line(d)}\t${d.why}`);
  console.log(`${queue}.dlq: ${verb} ${r.moved.length} message(s) to ${queue}, left ${r.left.length} that cannot be replayed, failed ${r.failed.length}`);
  return r.failed.length ? 1 : r.left.length ? 3 : 0;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { limit: { type: 'string' }, id: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' }, list: { type: 'boolean' }, help: { type: 'boolean' } },
    });
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : err}\n${usage}`);
    return 2;
  }
  const { values, positionals: queues } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (queues.length === 0) {
    console.error(usage);
    return 2;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    console.error(`--limit must be a positive integer\n${usage}`);
    return 2;
  }
  const opts = { limit, ids: values.id, dryRun: values['dry-run'] ?? false, list: values.list ?? false };
  // Every queue is tried, whatever happened to the one before; the worst outcome is the exit code.
  const codes: number[] = [];
  for (const queue of queues) {
    codes.push(
      await replay(queue, opts).catch((err: unknown) => {
        console.error(`${queue}.dlq: not replayed: ${err instanceof Error ? err.message : err}`);
        return 1;
      }),
    );
  }
  return codes.includes(1) ? 1 : codes.includes(3) ? 3 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
