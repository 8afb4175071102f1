import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Knex } from 'knex';
import type { EventEnvelope } from '@shop/contracts';
import { errorMessage } from './errors.js';
import { admit, handleDelivery, type DeliveryContext } from './delivery.js';
import { eventsConsumed } from './metrics.js';
import { processEachOnce } from './inbox.js';
import { setTaskStatuses, type TaskKey } from './tasks.js';
import { bindEventContext, startDeliverySpan } from './tracing.js';
import { context, SpanStatusCode } from '@shop/telemetry';

export interface BatchContext extends DeliveryContext {
  db: Knex;
  handleBatch: (events: EventEnvelope[], trx: Knex.Transaction) => Promise<void>;
}

interface Parsed {
  msg: ConsumeMessage;
  event: EventEnvelope;
}

/**
 * Many messages, one commit through the inbox (processEachOnce): inbox rows for all of them
 * (duplicates drop out), the effect for the new ones, and their task completions, in ONE
 * transaction; then every message is acked.
 * If that transaction throws, each message goes through the per-message path on its own
 * (processOnce, retries, dead-lettering), so one poison message cannot sink its neighbours.
 * Messages refused on the way in (delivery.ts `admit`) take the per-message path at once (it
 * dead-letters them); the others keep the event parsed here, so no message is parsed twice.
 */
export async function handleBatchDelivery(ctx: BatchContext, ch: ConfirmChannel, msgs: readonly ConsumeMessage[]): Promise<void> {
  const fresh: Parsed[] = [];
  const repeats: Parsed[] = []; // the same event twice in one batch: the first does the work
  const singles: Array<{ msg: ConsumeMessage; event?: EventEnvelope }> = []; // refused on the way in
  const seen = new Set<string>();
  for (const msg of msgs) {
    // Refused (not an event, not for this queue, a sender its contract does not allow):
    // the per-message path dead-letters it, with the event parsed here when there is one.
    const admission = admit(ctx, msg);
    if ('refused' in admission) {
      singles.push({ msg, event: admission.refused === 'forbidden' ? admission.event : undefined });
      continue;
    }
    const { event } = admission;
    if (seen.has(event.id)) repeats.push({ msg, event });
    else {
      seen.add(event.id);
      fresh.push({ msg, event });
    }
  }

  if (fresh.length > 0 && !(await tracedBatch(ctx, ch, fresh, repeats))) {
    for (const m of [...fresh, ...repeats]) await handleDelivery(ctx, ch, m.msg, m.event);
  }
  for (const s of singles) await handleDelivery(ctx, ch, s.msg, s.event);
}

/**
 * Each delivery gets its own consumer span (child of its publisher), and each event its trace
 * for the handler's eachEvent; the batch's own statements (inbox, commit) are counted in the
 * first delivery's trace.
 */
async function tracedBatch(ctx: BatchContext, ch: ConfirmChannel, fresh: Parsed[], repeats: Parsed[]): Promise<boolean> {
  const spans = [...fresh, ...repeats].map((p) => {
    const traced = startDeliverySpan(ctx.queue, p.msg, p.event);
    bindEventContext(p.event, traced.ctx);
    traced.span.setAttribute('messaging.batch.message_count', fresh.length + repeats.length);
    return traced;
  });
  let ok = false;
  try {
    ok = await context.with(spans[0].ctx, () => runBatch(ctx, ch, fresh, repeats));
    return ok;
  } finally {
    for (const { span } of spans) {
      if (!ok) span.setStatus({ code: SpanStatusCode.ERROR, message: 'batch failed; handled alone' });
      span.end();
    }
  }
}

async function runBatch(ctx: BatchContext, ch: ConfirmChannel, fresh: Parsed[], repeats: Parsed[]): Promise<boolean> {
  const keys = (list: Parsed[]): TaskKey[] => list.map((p) => ({ consumer: ctx.queue, messageId: p.event.id, eventType: p.event.type }));
  await markProcessing(ctx, keys(fresh));
  let processed: Set<string>;
  try {
    processed = await processEachOnce(ctx.db, ctx.queue, fresh.map((p) => p.event), (todo, trx) => ctx.handleBatch(todo, trx));
  } catch (err) {
    ctx.logger.warn({ err: errorMessage(err), size: fresh.length }, 'batch failed; handling its messages one by one');
    return false;
  }
  for (const p of fresh) {
    settle(ctx, () => ch.ack(p.msg));
    eventsConsumed.inc({ queue: ctx.queue, type: p.event.type, outcome: processed.has(p.event.id) ? 'processed' : 'duplicate' });
  }
  for (const p of repeats) {
    settle(ctx, () => ch.ack(p.msg));
    eventsConsumed.inc({ queue: ctx.queue, type: p.event.type, outcome: 'duplicate' });
  }
  ctx.logger.debug({ size: fresh.length + repeats.length, processed: processed.size }, 'batch handled');
  return true;
}

/**
 * "processing" is for people watching, and the batch's own transaction overwrites it with
 * "complete" durably; so this one statement commits without waiting for its WAL flush (one
 * fsync less per batch). Losing it in a crash loses nothing acknowledged.
 */
async function markProcessing(ctx: BatchContext, keys: TaskKey[]): Promise<void> {
  try {
    await ctx.db.transaction(async (trx) => {
      await trx.raw('SET LOCAL synchronous_commit = off');
      await setTaskStatuses(trx, keys, 'processing', { countAttempt: true });
    });
  } catch (err) {
    ctx.logger.warn({ err: errorMessage(err) }, 'could not record task status');
  }
}

function settle(ctx: DeliveryContext, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    ctx.logger.warn({ err: errorMessage(err) }, 'could not settle message; it will be redelivered');
  }
}

/**
 * Collects deliveries into batches of up to `size`, flushing a partial batch `maxWaitMs`
 * after its first message. `discard` drops what is held (its channel died: the broker
 * redelivers those messages to whoever subscribes next).
 */
export class Batcher {
  private held: ConsumeMessage[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly size: number,
    private readonly maxWaitMs: number,
    private readonly flushTo: (msgs: ConsumeMessage[]) => void,
  ) {}

  add(msg: ConsumeMessage): void {
    this.held.push(msg);
    if (this.held.length >= this.size) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.maxWaitMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.held.length === 0) return;
    const batch = this.held;
    this.held = [];
    this.flushTo(batch);
  }

  discard(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held = [];
  }
}
